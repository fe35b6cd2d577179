import Glibc
import Postgres
import TestSupport
import XCTest

/// Each daemon honours the systemd contract when systemd's own activation tool starts it: it
/// serves on the inherited socket, reports READY=1, pings the watchdog, and drains on SIGTERM
/// with STOPPING=1 and exit status 0.
final class DaemonContractTests: XCTestCase {
    static var databaseURL: String?

    override class func setUp() {
        super.setUp()
        databaseURL = try? TestEnvironment.current().migratedDatabase(named: "e2e_contract")
    }

    struct Daemon {
        let executable: String
        let socket: String
    }

    static let daemons = [
        Daemon(executable: "stockroom-proxy", socket: "http"),
        Daemon(executable: "stockroom-web", socket: "web"),
        Daemon(executable: "stockroom-worker", socket: "control"),
        Daemon(executable: "stockroom-warmer", socket: "control"),
    ]

    /// `systemd-socket-activate -l ADDRESS --fdname=NAME DAEMON`, with the daemon's settings passed by -E.
    func activate(_ daemon: Daemon, port: Int, notify: NotifyRecorder, extra: [String: String] = [:]) throws -> ChildProcess {
        let environment = try TestEnvironment.current()
        guard let databaseURL = Self.databaseURL else { throw BuiltExecutable.Failure(description: "the test database could not be created") }
        var variables = [
            "STOCKROOM_DATABASE_URL": databaseURL,
            "STOCKROOM_REDIS_URL": environment.redisURL,
            "STOCKROOM_CONFIG": "/dev/null",
            "STOCKROOM_WEB_SOCKET": environment.scratchDirectory + "/no-web-here.sock",
            "NOTIFY_SOCKET": notify.path,
        ]
        variables.merge(extra) { $1 }
        var arguments = ["-l", "127.0.0.1:\(port)", "--fdname=\(daemon.socket)"]
        for (name, value) in variables.sorted(by: { $0.key < $1.key }) {
            arguments += ["-E", "\(name)=\(value)"]
        }
        arguments.append(try BuiltExecutable.product(daemon.executable))
        return try ChildProcess(executable: "/usr/bin/systemd-socket-activate", arguments: arguments,
                                environment: ["PATH": "/usr/bin:/bin"])
    }

    func testProxyStartsOnTheSocketThatSystemdSocketActivatePasses() throws {
        let port = try freeLoopbackPort()
        let notify = try NotifyRecorder()
        let process = try activate(Self.daemons[0], port: port, notify: notify)
        defer { if process.isRunning { process.signal(SIGKILL) } }
        usleep(200_000)
        // systemd-socket-activate starts the daemon on the first connection, as inetd-style activation does.
        let response = try StackFixture.get(port: port, path: "/api/")
        XCTAssertTrue(response.hasPrefix("HTTP/1.1 "), "no HTTP answer on the activated socket: \(response)")
        XCTAssertTrue(notify.waitFor("READY=1", timeout: 10), "no READY=1: \(notify.messages)")
        process.signal(SIGTERM)
        XCTAssertEqual(try process.wait(timeout: 30), .exited(0), process.standardError)
        XCTAssertTrue(notify.waitFor("STOPPING=1", timeout: 1), "\(notify.messages)")
    }

    func testEveryDaemonReportsReadyPingsTheWatchdogAndDrainsOnSIGTERM() throws {
        for daemon in Self.daemons {
            let port = try freeLoopbackPort()
            let notify = try NotifyRecorder()
            let process = try activate(daemon, port: port, notify: notify, extra: ["WATCHDOG_USEC": "400000"])
            defer { if process.isRunning { process.signal(SIGKILL) } }
            usleep(200_000)
            _ = try? StackFixture.get(port: port, path: "/health", timeout: 5)
            XCTAssertTrue(notify.waitFor("READY=1", timeout: 10), "\(daemon.executable): no READY=1: \(notify.messages)\n\(process.standardError)")
            XCTAssertTrue(notify.waitFor("WATCHDOG=1", count: 3, timeout: 5), "\(daemon.executable): watchdog pings missing: \(notify.messages)")
            process.signal(SIGTERM)
            XCTAssertEqual(try process.wait(timeout: 30), .exited(0), "\(daemon.executable): \(process.standardError)")
            XCTAssertTrue(notify.waitFor("STOPPING=1", timeout: 1), "\(daemon.executable): \(notify.messages)")
        }
    }

    func testADaemonRefusesToStartOnAnOlderSchemaWithAClearMessage() throws {
        let environment = try TestEnvironment.current()
        let admin = try PostgresConnection(environment.databaseURL)
        _ = try admin.execute("DROP DATABASE IF EXISTS e2e_empty")
        _ = try admin.execute("CREATE DATABASE e2e_empty")
        let process = try ChildProcess(
            executable: try BuiltExecutable.product("stockroom-web"),
            arguments: ["--listen", "web=unix:\(environment.scratchDirectory)/e2e-empty-web.sock"],
            environment: ["STOCKROOM_DATABASE_URL": environment.databaseURL(database: "e2e_empty"),
                          "STOCKROOM_REDIS_URL": environment.redisURL, "STOCKROOM_CONFIG": "/dev/null"])
        XCTAssertEqual(try process.wait(timeout: 30), .exited(1))
        XCTAssertTrue(process.standardError.contains("stockroom migrate"), process.standardError)
    }
}
