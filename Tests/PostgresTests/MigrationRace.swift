import Foundation
import Postgres
import XCTest

/// Migrations whose effects show if one ran twice: each creates a table (a second run would fail) and
/// appends its version to `effects`.
enum MigrationRace {
    static let migrations: [Migration] = [
        Migration(version: 1, name: "effects", sql: "CREATE TABLE effects (version int NOT NULL); INSERT INTO effects VALUES (1)"),
    ] + (2...6).map { version in
        Migration(version: version, name: "table \(version)", sql: """
            CREATE TABLE race_\(version) (id int);
            INSERT INTO effects VALUES (\(version));
            SELECT pg_sleep(0.02)
            """)
    }

    static let urlVariable = "STOCKROOM_MIGRATION_RACE_URL"
    static let directoryVariable = "STOCKROOM_MIGRATION_RACE_DIR"

    /// Each version applied exactly once, in total, and recorded once.
    static func verify(_ connection: PostgresConnection, appliedPerRacer: [[Int]], file: StaticString = #filePath, line: UInt = #line) throws {
        let all = appliedPerRacer.flatMap { $0 }.sorted()
        XCTAssertEqual(all, Array(1...6), "every migration applied by exactly one racer: \(appliedPerRacer)", file: file, line: line)
        let effects = try connection.query("SELECT version FROM effects ORDER BY version").map { try $0.decode("version", as: Int.self) }
        XCTAssertEqual(effects, Array(1...6), file: file, line: line)
        let recorded = try connection.query("SELECT version FROM schema_migrations ORDER BY version").map { try $0.decode("version", as: Int.self) }
        XCTAssertEqual(recorded, Array(1...6), file: file, line: line)
    }
}

/// One racer. Started as a child process by `PostgresMigrationTests` (with the race variables set) it
/// connects, says it is ready, waits for the start signal and migrates; run on its own it migrates its
/// own fresh database.
final class MigrationRaceChildTests: PostgresTestCase {
    private var childURL: String? { ProcessInfo.processInfo.environment[MigrationRace.urlVariable] }

    override func setUpWithError() throws {
        if childURL == nil { try super.setUpWithError() }
    }

    func testApplyRaceMigrations() throws {
        guard let url = childURL, let directory = ProcessInfo.processInfo.environment[MigrationRace.directoryVariable] else {
            let connection = try connect()
            let applied = try Migrator().apply(MigrationRace.migrations, using: connection)
            try MigrationRace.verify(connection, appliedPerRacer: [applied])
            return
        }
        let connection = try PostgresConnection(url)
        let me = getpid()
        _ = FileManager.default.createFile(atPath: "\(directory)/ready-\(me)", contents: nil)
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: "\(directory)/go") {
            guard Date() < deadline else { throw PostgresError(.usage, "no start signal within 30 s") }
            usleep(500)
        }
        let applied = try Migrator().apply(MigrationRace.migrations, using: connection)
        let text = applied.map(String.init).joined(separator: ",")
        try text.write(toFile: "\(directory)/applied-\(me)", atomically: true, encoding: .utf8)
    }
}
