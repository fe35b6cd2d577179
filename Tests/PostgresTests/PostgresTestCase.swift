import Foundation
import Postgres
import TestSupport
import XCTest

/// A test class with a database of its own, created before its first test and dropped after its last,
/// so classes do not see each other's tables.
class PostgresTestCase: XCTestCase {
    /// URL of this class's database.
    private(set) var databaseURL = ""
    /// The test environment.
    private(set) var environment: TestEnvironment!

    override func setUpWithError() throws {
        try super.setUpWithError()
        environment = try TestEnvironment.current()
        databaseURL = try ClassDatabase.url(named: ClassDatabase.name(of: Self.self))
    }

    override class func tearDown() {
        ClassDatabase.drop(named: ClassDatabase.name(of: self))
        super.tearDown()
    }

    /// A new connection to this class's database.
    func connect() throws -> PostgresConnection { try PostgresConnection(databaseURL) }

    /// Asserts that `body` throws a `PostgresError` and returns it.
    func expectPostgresError(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> PostgresError? {
        do {
            try body()
            XCTFail("expected a PostgresError, nothing was thrown", file: file, line: line)
        } catch let error as PostgresError {
            return error
        } catch {
            XCTFail("expected a PostgresError, got \(error)", file: file, line: line)
        }
        return nil
    }

    /// Waits until `condition` holds, up to `timeout` seconds.
    func eventually(timeout: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            usleep(20_000)
        }
        return try condition()
    }
}
