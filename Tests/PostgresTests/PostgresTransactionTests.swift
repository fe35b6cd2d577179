import Foundation
import Postgres
import XCTest

final class PostgresTransactionTests: PostgresTestCase {
    private struct Abort: Error, Equatable {}

    override func setUpWithError() throws {
        try super.setUpWithError()
        try connect().runScript("DROP TABLE IF EXISTS ledger; CREATE TABLE ledger (id int PRIMARY KEY, amount int)")
    }

    private func count(_ connection: PostgresConnection) throws -> Int {
        try connection.query("SELECT count(*) AS n FROM ledger").singleRow().decode("n", as: Int.self)
    }

    func testCommitMakesChangesVisibleToOthers() throws {
        let connection = try connect(), other = try connect()
        let value = try connection.transaction { tx -> Int in
            try tx.execute("INSERT INTO ledger VALUES ($1, $2)", [1, 10])
            try tx.execute("INSERT INTO ledger VALUES ($1, $2)", [2, 20])
            XCTAssertEqual(try count(other), 0, "uncommitted rows are invisible to others")
            return 42
        }
        XCTAssertEqual(value, 42)
        XCTAssertEqual(try count(other), 2)
    }

    func testThrowRollsBackAndRethrows() throws {
        let connection = try connect()
        XCTAssertThrowsError(try connection.transaction { tx in
            try tx.execute("INSERT INTO ledger VALUES ($1, $2)", [1, 10])
            throw Abort()
        }) { XCTAssertEqual($0 as? Abort, Abort()) }
        XCTAssertEqual(try count(connection), 0)
        // The connection is usable and outside any transaction afterwards.
        try connection.transaction { try $0.execute("INSERT INTO ledger VALUES ($1, $2)", [1, 10]) }
        XCTAssertEqual(try count(connection), 1)
    }

    func testSQLErrorInsideRollsBackEverything() throws {
        let connection = try connect()
        let error = expectPostgresError {
            try connection.transaction { tx in
                try tx.execute("INSERT INTO ledger VALUES ($1, $2)", [1, 10])
                try tx.execute("INSERT INTO ledger VALUES ($1, $2)", [1, 11])
            }
        }
        XCTAssertEqual(error?.sqlState, "23505")
        XCTAssertEqual(try count(connection), 0)
    }

    func testSwallowedErrorMakesCommitFail() throws {
        let connection = try connect()
        let error = expectPostgresError {
            try connection.transaction { tx in
                try tx.execute("INSERT INTO ledger VALUES ($1, $2)", [1, 10])
                _ = try? tx.execute("INSERT INTO ledger VALUES ($1, $2)", [1, 11])
            }
        }
        XCTAssertEqual(error?.sqlState, "25P02")
        XCTAssertTrue(error?.message.contains("rolled back") ?? false)
        XCTAssertEqual(try count(connection), 0)
    }

    func testNestedTransactionIsAClearError() throws {
        let connection = try connect()
        let error = expectPostgresError {
            try connection.transaction { tx in
                try tx.execute("INSERT INTO ledger VALUES ($1, $2)", [1, 10])
                try tx.transaction { _ in }
            }
        }
        XCTAssertEqual(error?.kind, .usage)
        XCTAssertTrue(error?.message.contains("nested transactions are not supported") ?? false)
        XCTAssertEqual(try count(connection), 0, "the outer transaction rolled back")
    }

    func testIsolationLevel() throws {
        let connection = try connect()
        let level = try connection.transaction(isolation: .serializable) {
            try $0.query("SHOW transaction_isolation").singleRow().decode(0, as: String.self)
        }
        XCTAssertEqual(level, "serializable")
        let repeatable = try connection.transaction(isolation: .repeatableRead) {
            try $0.query("SHOW transaction_isolation").singleRow().decode(0, as: String.self)
        }
        XCTAssertEqual(repeatable, "repeatable read")
    }
}
