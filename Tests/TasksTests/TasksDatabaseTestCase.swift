import Daemon
import Postgres
import Redis
import Schema
import TestSupport
import XCTest

/// A test class with its own database (every migration applied, the queue emptied) and the private Redis.
class TasksDatabaseTestCase: XCTestCase {
    private(set) var environment: TestEnvironment!
    private(set) var databaseURL: String!
    private(set) var connection: PostgresConnection!

    /// The tables the fixture tasks record their runs in (Tests/TasksFixture).
    static let recordingTables = """
        CREATE TABLE test_task_runs (
            id bigserial PRIMARY KEY, task_id bigint NOT NULL, name text NOT NULL, pid integer NOT NULL,
            attempt integer NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp());
        CREATE TABLE test_exclusive_spans (task_id bigint PRIMARY KEY, started timestamptz NOT NULL, finished timestamptz);
        """

    override func setUpWithError() throws {
        try super.setUpWithError()
        let environment = try TestEnvironment.current()
        self.environment = environment
        databaseURL = try ClassDatabase.url(named: ClassDatabase.name(of: Self.self)) { url in
            let connection = try PostgresConnection(url)
            _ = try Migrator().apply(Schema.migrations, using: connection)
            try connection.runScript(Self.recordingTables)
        }
        connection = try PostgresConnection(databaseURL)
        try connection.runScript("TRUNCATE task_queue, task_schedule, test_task_runs, test_exclusive_spans, daemon_instances")
    }

    override class func tearDown() {
        ClassDatabase.drop(named: ClassDatabase.name(of: self))
        super.tearDown()
    }

    override func tearDownWithError() throws {
        connection = nil
        try super.tearDownWithError()
    }

    /// Polls `condition` every 20 ms until it holds or `timeout` seconds passed; false on timeout.
    func eventually(timeout: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = monotonicSeconds() + timeout
        while monotonicSeconds() < deadline {
            if try condition() { return true }
            usleep(20_000)
        }
        return try condition()
    }

    func count(_ sql: String, _ parameters: [PostgresValue?] = []) throws -> Int {
        try connection.query(sql, parameters).singleRow().decode(0, as: Int.self)
    }
}
