import Foundation
import Postgres
import TestSupport
import XCTest

/// A test class with a database of its own, created before its first test and dropped after its last,
/// so classes do not see each other's tables.
class PostgresTestCase: XCTestCase {
    private static var databases: [String: Result<String, Error>] = [:]

    /// The name of this class's database.
    class var databaseName: String { "test_" + String(describing: self).lowercased() }

    /// URL of this class's database.
    private(set) var databaseURL = ""
    /// The test environment.
    private(set) var environment: TestEnvironment!

    override func setUpWithError() throws {
        try super.setUpWithError()
        environment = try TestEnvironment.current()
        let name = Self.databaseName
        if Self.databases[name] == nil {
            Self.databases[name] = Result { try Self.recreateDatabase(name) }
        }
        databaseURL = try Self.databases[name]!.get()
    }

    override class func tearDown() {
        if case .success? = databases[databaseName] {
            _ = try? dropDatabase(databaseName)
        }
        databases[databaseName] = nil
        super.tearDown()
    }

    /// Creates (after dropping any leftover) the database `name` and returns its URL.
    static func recreateDatabase(_ name: String) throws -> String {
        let environment = try TestEnvironment.current()
        let admin = try PostgresConnection(environment.databaseURL)
        let quoted = try admin.escapeIdentifier(name)
        try admin.runScript("DROP DATABASE IF EXISTS \(quoted) WITH (FORCE)")
        try admin.runScript("CREATE DATABASE \(quoted)")
        return environment.databaseURL(database: name)
    }

    static func dropDatabase(_ name: String) throws {
        let admin = try PostgresConnection(try TestEnvironment.current().databaseURL)
        try admin.runScript("DROP DATABASE IF EXISTS \(try admin.escapeIdentifier(name)) WITH (FORCE)")
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
