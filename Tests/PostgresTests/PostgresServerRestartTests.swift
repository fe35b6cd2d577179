import Foundation
import Postgres
import TestSupport
import XCTest

/// Stops the private cluster the hard way and starts it again under live connections. The cluster is
/// running again (and accepting connections) when each test ends, whatever happened.
final class PostgresServerRestartTests: PostgresTestCase {
    private func pgCtl(_ arguments: [String]) throws {
        let pgCtl = environment.postgresBin + "/pg_ctl"
        let command = getuid() == 0 ? ["/usr/sbin/runuser", "-u", environment.postgresUser, "--", pgCtl] : [pgCtl]
        let outputPath = environment.scratchDirectory + "/pg_ctl.out"
        let status = try ChildProcess.run(command + arguments, outputPath: outputPath)
        guard status == 0 else {
            let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            throw PostgresError(.usage, "pg_ctl \(arguments.joined(separator: " ")) exited with \(status): \(output)")
        }
    }

    private func stopServer() throws {
        // The test cluster runs with synchronous_commit = off: flush what was committed before crashing it.
        try connect().runScript("CHECKPOINT")
        try pgCtl(["-D", environment.postgresData, "-m", "immediate", "-w", "stop"])
    }

    private func startServer() throws {
        let log = environment.postgresSocketDirectory + "/postgres.log"
        try pgCtl(["-D", environment.postgresData, "-l", log, "-w", "start"])
    }

    /// Starts the server if a test left it stopped, and waits until it accepts connections.
    private func ensureServerRunning() {
        if (try? PostgresConnection(databaseURL)) != nil { return }
        do { try startServer() } catch { XCTFail("could not restart PostgreSQL: \(error)") }
        let deadline = Date().addingTimeInterval(30)
        while (try? PostgresConnection(databaseURL)) == nil, Date() < deadline { usleep(100_000) }
    }

    func testPoolWorksAgainAfterTheServerIsKilledAndRestarted() throws {
        defer { ensureServerRunning() }
        let pool = PostgresPool(url: databaseURL, minimumConnections: 2, maximumConnections: 3, acquireTimeout: 5)
        try pool.withConnection { try $0.runScript("CREATE TABLE survivors (n int)") }
        // Two idle connections in the pool when the server goes away.
        let held = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        Thread { _ = try? pool.withConnection { _ in held.signal(); release.wait() } }.start()
        held.wait()
        try pool.withConnection { try $0.execute("INSERT INTO survivors VALUES ($1)", [1]) }
        release.signal()
        XCTAssertTrue(eventually { pool.connectionCounts.idle == 2 })

        try stopServer()
        let down = expectPostgresError { _ = try pool.withConnection { try $0.execute("INSERT INTO survivors VALUES ($1)", [2]) } }
        XCTAssertEqual(down?.kind, .connection)

        try startServer()
        for n in 3...5 {
            try pool.withConnection { try $0.execute("INSERT INTO survivors VALUES ($1)", [n]) }
        }
        let rows = try pool.withConnection { connection in
            try connection.query("SELECT n FROM survivors ORDER BY n").map { try $0.decode("n", as: Int.self) }
        }
        XCTAssertEqual(rows, [1, 3, 4, 5])
    }

    func testListenerReconnectsAfterTheServerRestarts() throws {
        defer { ensureServerRunning() }
        let listener = try connect()
        try listener.listen("restocked")
        try stopServer()
        let error = expectPostgresError { _ = try listener.waitForNotifications(timeout: 5) }
        XCTAssertEqual(error?.kind, .connection)
        try startServer()
        try listener.reconnect()
        try connect().notify("restocked", payload: "back")
        XCTAssertEqual(try listener.waitForNotifications(timeout: 5).map(\.payload), ["back"])
    }
}
