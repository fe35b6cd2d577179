import Glibc
import TestSupport
import XCTest

/// `stockroom run`, the development stack: a private PostgreSQL and Redis, the four daemons on
/// sockets it binds, Ctrl-C stopping everything.
final class StockroomRunTests: XCTestCase {
    func testRunStartsEveryDaemonAndCtrlCStopsEverything() throws {
        // With no configuration file and no database_url, `stockroom run` starts its private servers.
        guard access("/etc/stockroom/stockroom.conf", F_OK) != 0 else {
            XCTFail("this machine has /etc/stockroom/stockroom.conf, so `stockroom run` would not use private servers")
            return
        }
        let environment = try TestEnvironment.current()
        let stateDirectory = environment.scratchDirectory + "/run-\(getpid())"
        let port = try freeLoopbackPort()
        let run = try ChildProcess(
            executable: try BuiltExecutable.product("stockroom"),
            arguments: ["run", "--port", String(port), "--state-dir", stateDirectory],
            environment: ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin"])
        defer { if run.isRunning { run.signal(SIGKILL) } }

        XCTAssertTrue(run.waitForStandardOutput(containing: "all 4 daemons ready on http://127.0.0.1:\(port)", timeout: 120),
                      "stdout:\n\(run.standardOutput)\nstderr:\n\(run.standardError)")
        for name in ["proxy", "web", "worker", "warmer"] {
            XCTAssertTrue(run.standardOutput.contains("\(name) is ready"), "\(name) did not report READY=1:\n\(run.standardOutput)")
        }
        XCTAssertFalse(StackFixture.processes(mentioning: stateDirectory).isEmpty, "the stack's processes are not visible")

        let response = try StackFixture.get(port: port, path: "/api/no-such-endpoint/")
        XCTAssertTrue(response.hasPrefix("HTTP/1.1 404"), response)
        XCTAssertTrue(response.contains("API endpoint not found"), response)
        // stockroom-proxy serves the checkout's static/ in development.
        let stylesheet = try StackFixture.get(port: port, path: "/static/stockroom.css")
        XCTAssertTrue(stylesheet.hasPrefix("HTTP/1.1 200"), stylesheet)
        XCTAssertTrue(stylesheet.contains("Stockroom's base stylesheet"), stylesheet)

        run.signal(SIGINT)
        XCTAssertEqual(try run.wait(timeout: 60), .exited(0), "stdout:\n\(run.standardOutput)\nstderr:\n\(run.standardError)")
        var leftovers: [pid_t] = []
        for _ in 0..<50 {
            leftovers = StackFixture.processes(mentioning: stateDirectory)
            if leftovers.isEmpty { break }
            usleep(100_000)
        }
        XCTAssertEqual(leftovers, [], "processes left behind after Ctrl-C")
    }
}
