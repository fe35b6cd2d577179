import Foundation
import Postgres
import TestSupport
import XCTest

final class PostgresQueryTests: PostgresTestCase {
    func testUniqueViolationCarriesSQLStateMessageAndStatement() throws {
        let connection = try connect()
        try connection.runScript("CREATE TABLE parts_unique (name text PRIMARY KEY)")
        let insert = "INSERT INTO parts_unique (name) VALUES ($1)"
        XCTAssertEqual(try connection.execute(insert, ["M3 bolt"]), 1)
        let error = expectPostgresError { try connection.execute(insert, ["M3 bolt"]) }
        XCTAssertEqual(error?.kind, .server)
        XCTAssertEqual(error?.sqlState, PostgresError.uniqueViolation)
        XCTAssertEqual(error?.statement, insert)
        XCTAssertEqual(error?.message, #"duplicate key value violates unique constraint "parts_unique_pkey""#)
        XCTAssertEqual(error?.detail, "Key (name)=(M3 bolt) already exists.")
        // An SQL error leaves the connection usable.
        XCTAssertFalse(connection.isBroken)
        XCTAssertEqual(try connection.query("SELECT count(*) AS n FROM parts_unique").singleRow().decode("n", as: Int.self), 1)
    }

    func testSyntaxErrorIsAServerError() throws {
        let connection = try connect()
        let error = expectPostgresError { _ = try connection.query("SELEC 1") }
        XCTAssertEqual(error?.sqlState, "42601")
        XCTAssertEqual(error?.statement, "SELEC 1")
        XCTAssertTrue(error?.description.contains("SQLSTATE 42601") ?? false)
    }

    func testExecuteReturnsAffectedRows() throws {
        let connection = try connect()
        try connection.runScript("CREATE TABLE stock_counts (id int, quantity int); INSERT INTO stock_counts SELECT g, g FROM generate_series(1, 10) g")
        XCTAssertEqual(try connection.execute("UPDATE stock_counts SET quantity = quantity + 1 WHERE id <= $1", [4]), 4)
        XCTAssertEqual(try connection.execute("DELETE FROM stock_counts WHERE id > $1", [7]), 3)
        XCTAssertEqual(try connection.execute("DELETE FROM stock_counts WHERE id > $1", [7]), 0)
    }

    func testRepeatedStatementIsPreparedOnceAndReused() throws {
        let connection = try connect()
        let sql = "SELECT $1::int8 + 1 AS next"
        let prepared = "SELECT count(*) AS n FROM pg_prepared_statements WHERE statement = $1"
        for value in 0..<5 {
            XCTAssertEqual(try connection.query(sql, [value]).singleRow().decode("next", as: Int.self), value + 1)
            let count = try connection.query(prepared, [sql]).singleRow().decode("n", as: Int.self)
            XCTAssertEqual(count, value == 0 ? 0 : 1, "after use \(value + 1)")
        }
        let statement = PreparedStatement("SELECT $1::text || '!' AS shout")
        XCTAssertEqual(try connection.query(statement, ["hey"]).singleRow().decode("shout", as: String.self), "hey!")
        XCTAssertEqual(try connection.query(prepared, [statement.sql]).singleRow().decode("n", as: Int.self), 1)
        XCTAssertEqual(try connection.query(statement, ["ho"]).singleRow().decode("shout", as: String.self), "ho!")
        XCTAssertEqual(try connection.query(prepared, [statement.sql]).singleRow().decode("n", as: Int.self), 1)
    }

    func testOneStatementBindsDifferentValueTypesToTheSameParameter() throws {
        let connection = try connect()
        try connection.runScript("CREATE TABLE amounts (id int PRIMARY KEY, amount numeric); INSERT INTO amounts VALUES (1, 0)")
        let update = "UPDATE amounts SET amount = $1 WHERE id = $2"
        let values: [PostgresValue?] = [5, 5, 1.5, 1.5, "2.25", "2.25", nil, 7, nil, 0.5]
        for value in values {
            XCTAssertEqual(try connection.execute(update, [value, 1]), 1)
            let stored = try connection.query("SELECT amount FROM amounts").singleRow().decode("amount", as: String?.self)
            XCTAssertEqual(stored, value.map { "\($0)" })
        }
        let variants = try connection.query("SELECT count(*) AS n FROM pg_prepared_statements WHERE statement = $1", [update])
            .singleRow().decode("n", as: Int.self)
        XCTAssertEqual(variants, 3, "one prepared statement per parameter type: bigint, double precision, untyped text")
    }

    func testPreparedStatementKeepsWorkingAfterTheTableChanges() throws {
        let connection = try connect()
        try connection.runScript("CREATE TABLE changing (a int); INSERT INTO changing VALUES (1)")
        let sql = "SELECT * FROM changing"
        XCTAssertEqual(try connection.query(sql).columnNames, ["a"])
        XCTAssertEqual(try connection.query(sql).columnNames, ["a"])
        try connection.runScript("ALTER TABLE changing ADD COLUMN b text DEFAULT 'x'")
        let result = try connection.query(sql)
        XCTAssertEqual(result.columnNames, ["a", "b"])
        XCTAssertEqual(try result.singleRow().decode("b", as: String.self), "x")
        XCTAssertEqual(try connection.query(sql).columnNames, ["a", "b"])
    }

    func testConnectionFailureCarriesLibpqMessage() throws {
        let missing = expectPostgresError { _ = try PostgresConnection(environment.databaseURL(database: "no_such_database")) }
        XCTAssertEqual(missing?.kind, .connection)
        XCTAssertTrue(missing?.message.contains(#"database "no_such_database" does not exist"#) ?? false, missing?.message ?? "")
        let noServer = expectPostgresError { _ = try PostgresConnection("postgresql://postgres@/postgres?host=/nonexistent-dir") }
        XCTAssertEqual(noServer?.kind, .connection)
        XCTAssertTrue(noServer?.message.contains("/nonexistent-dir/.s.PGSQL.5432") ?? false, noServer?.message ?? "")
    }

    func testServerNoticesGoToTheLogger() throws {
        final class Lines: @unchecked Sendable { var lines: [String] = [] }
        let lines = Lines()
        let connection = try PostgresConnection(databaseURL) { lines.lines.append($0) }
        try connection.runScript("CREATE TABLE IF NOT EXISTS noticed (a int)")
        try connection.runScript("CREATE TABLE IF NOT EXISTS noticed (a int)")
        XCTAssertEqual(lines.lines, [#"NOTICE:  relation "noticed" already exists, skipping"#])
    }

    func testScriptsRunSeveralStatementsAndIdentifiersAreQuoted() throws {
        let connection = try connect()
        let table = try connection.escapeIdentifier("Odd \"name\"")
        XCTAssertEqual(table, #""Odd ""name""""#)
        try connection.runScript("CREATE TABLE \(table) (a int); INSERT INTO \(table) VALUES (1), (2)")
        XCTAssertEqual(try connection.query("SELECT sum(a) AS s FROM \(table)").singleRow().decode("s", as: Int.self), 3)
    }
}
