import Foundation
import Postgres
import XCTest

final class PostgresPoolTests: PostgresTestCase {
    private func backends(_ admin: PostgresConnection) throws -> Int {
        try admin.query(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).singleRow().decode("n", as: Int.self)
    }

    func testConnectionsAreOpenedLazily() throws {
        let pool = PostgresPool(url: databaseURL, maximumConnections: 4)
        XCTAssertEqual(pool.connectionCounts.open, 0)
        XCTAssertEqual(try pool.withConnection { try $0.query("SELECT 1 AS one").singleRow().decode("one", as: Int.self) }, 1)
        XCTAssertEqual(pool.connectionCounts.open, 1)
        XCTAssertEqual(pool.connectionCounts.idle, 1)
    }

    func testIdleConnectionsBeyondTheMinimumAreClosedAfterTheIdleTimeout() throws {
        let pool = PostgresPool(.init(url: databaseURL, minimumConnections: 1, maximumConnections: 3, idleTimeout: 0.05))
        let group = DispatchGroup(), allHeld = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        for _ in 0..<3 {
            group.enter()
            Thread {
                defer { group.leave() }
                _ = try? pool.withConnection { _ in allHeld.signal(); release.wait() }
            }.start()
        }
        for _ in 0..<3 { allHeld.wait() }
        XCTAssertEqual(pool.connectionCounts.open, 3)
        for _ in 0..<3 { release.signal() }
        group.wait()
        usleep(100_000)
        try pool.withConnection { _ in }
        XCTAssertEqual(pool.connectionCounts.open, 1)
        XCTAssertEqual(pool.connectionCounts.idle, 1)
    }

    func testEightThreadsShareFourConnections() throws {
        let pool = PostgresPool(url: databaseURL, maximumConnections: 4, acquireTimeout: 30)
        let admin = try connect()
        try admin.runScript("CREATE TABLE hits (thread int, n int)")
        final class Failures: @unchecked Sendable {
            let lock = NSLock()
            var errors: [String] = []
            var maximumOpen = 0
            func record(_ text: String) { lock.lock(); errors.append(text); lock.unlock() }
            func observe(_ open: Int) { lock.lock(); maximumOpen = max(maximumOpen, open); lock.unlock() }
        }
        let failures = Failures()
        let group = DispatchGroup()
        for thread in 0..<8 {
            group.enter()
            Thread {
                defer { group.leave() }
                for n in 0..<200 {
                    do {
                        let doubled = try pool.withConnection { connection -> Int in
                            failures.observe(pool.connectionCounts.open)
                            if n % 50 == 0 { try connection.execute("INSERT INTO hits VALUES ($1, $2)", [thread, n]) }
                            return try connection.query("SELECT $1::int8 * 2 AS doubled", [thread * 1000 + n])
                                .singleRow().decode("doubled", as: Int.self)
                        }
                        if doubled != (thread * 1000 + n) * 2 { failures.record("thread \(thread) query \(n): got \(doubled)") }
                    } catch {
                        failures.record("thread \(thread) query \(n): \(error)")
                    }
                }
            }.start()
        }
        XCTAssertEqual(group.wait(timeout: .now() + 120), .success)
        XCTAssertEqual(failures.errors, [])
        XCTAssertLessThanOrEqual(failures.maximumOpen, 4)
        XCTAssertLessThanOrEqual(try backends(admin), 4)
        XCTAssertEqual(try admin.query("SELECT count(*) AS n FROM hits").singleRow().decode("n", as: Int.self), 32)
    }

    func testExhaustedPoolTimesOutWithAClearError() throws {
        let pool = PostgresPool(url: databaseURL, maximumConnections: 1, acquireTimeout: 0.3)
        let held = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        Thread {
            _ = try? pool.withConnection { _ in held.signal(); release.wait() }
            done.signal()
        }.start()
        held.wait()
        let start = Date()
        let error = expectPostgresError { try pool.withConnection { _ in } }
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(error?.kind, .poolExhausted)
        XCTAssertEqual(error?.message, "no PostgreSQL connection became free within 0.3 s: all 1 connections of the pool are in use")
        XCTAssertGreaterThanOrEqual(elapsed, 0.29)
        XCTAssertLessThan(elapsed, 2)
        release.signal()
        done.wait()
        // A waiter is served as soon as the connection comes back.
        XCTAssertNoThrow(try pool.withConnection { _ in })
    }

    func testWaiterGetsTheConnectionWhenItIsReturned() throws {
        let pool = PostgresPool(url: databaseURL, maximumConnections: 1, acquireTimeout: 5)
        let held = DispatchSemaphore(value: 0)
        Thread {
            _ = try? pool.withConnection { _ in held.signal(); usleep(200_000) }
        }.start()
        held.wait()
        let start = Date()
        XCTAssertEqual(try pool.withConnection { try $0.query("SELECT 2 AS two").singleRow().decode("two", as: Int.self) }, 2)
        XCTAssertLessThan(Date().timeIntervalSince(start), 3)
    }

    func testIdleConnectionTerminatedByTheServerIsReplaced() throws {
        let pool = PostgresPool(url: databaseURL, maximumConnections: 1, acquireTimeout: 5)
        let admin = try connect()
        let oldPID = try pool.withConnection { $0.serverProcessID }
        XCTAssertTrue(try admin.query("SELECT pg_terminate_backend($1::int) AS done", [oldPID]).singleRow().decode("done", as: Bool.self))
        XCTAssertTrue(try eventually {
            try admin.query("SELECT count(*) AS n FROM pg_stat_activity WHERE pid = $1::int", [oldPID]).singleRow().decode("n", as: Int.self) == 0
        })
        let (newPID, value) = try pool.withConnection {
            ($0.serverProcessID, try $0.query("SELECT 5 AS five").singleRow().decode("five", as: Int.self))
        }
        XCTAssertEqual(value, 5)
        XCTAssertNotEqual(newPID, oldPID)
        XCTAssertEqual(pool.connectionCounts.open, 1)
    }

    func testQueryOnAConnectionKilledWhileBorrowedFailsAndTheConnectionIsDiscarded() throws {
        let pool = PostgresPool(url: databaseURL, maximumConnections: 2, acquireTimeout: 5)
        let admin = try connect()
        try admin.runScript("CREATE TABLE effects (n int)")
        var oldPID: Int32 = 0
        let error = expectPostgresError {
            try pool.withConnection { connection in
                oldPID = connection.serverProcessID
                _ = try admin.query("SELECT pg_terminate_backend($1::int)", [oldPID])
                try connection.execute("INSERT INTO effects VALUES ($1)", [1])
            }
        }
        XCTAssertEqual(error?.kind, .connection)
        XCTAssertEqual(error?.statement, "INSERT INTO effects VALUES ($1)")
        XCTAssertEqual(pool.connectionCounts.open, 0, "the dead connection was not returned")
        XCTAssertEqual(try admin.query("SELECT count(*) AS n FROM effects").singleRow().decode("n", as: Int.self), 0)
        let newPID = try pool.withConnection { connection -> Int32 in
            try connection.execute("INSERT INTO effects VALUES ($1)", [2])
            return connection.serverProcessID
        }
        XCTAssertNotEqual(newPID, oldPID)
    }

    func testPoolTransactionCommitsAndRollsBack() throws {
        let pool = PostgresPool(url: databaseURL, maximumConnections: 2)
        try pool.withConnection { try $0.runScript("CREATE TABLE pooled_tx (n int)") }
        try pool.transaction { try $0.execute("INSERT INTO pooled_tx VALUES ($1)", [1]) }
        struct Stop: Error {}
        XCTAssertThrowsError(try pool.transaction { tx in
            try tx.execute("INSERT INTO pooled_tx VALUES ($1)", [2])
            throw Stop()
        })
        // A borrower that leaves its own BEGIN open does not leak it to the next borrower.
        try pool.withConnection { try $0.runScript("BEGIN; INSERT INTO pooled_tx VALUES (3)") }
        let values = try pool.withConnection { connection in
            try connection.query("SELECT n FROM pooled_tx ORDER BY n").map { try $0.decode("n", as: Int.self) }
        }
        XCTAssertEqual(values, [1])
    }
}
