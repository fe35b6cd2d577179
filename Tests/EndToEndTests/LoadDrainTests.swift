import Daemon
import Glibc
import TestSupport
import XCTest

/// The drain and restart proofs of the HTTP engine, with the real daemons on real sockets under load:
/// SIGTERM in the middle of the load loses no request the proxy accepted, and a restart under
/// `stockroom run` (which holds the listening socket, as systemd does) refuses no connection at all.
final class LoadDrainTests: XCTestCase {
    static var databaseURL: String?
    static let staticBody = String(repeating: "stockroom ", count: 100)

    override class func setUp() {
        super.setUp()
        databaseURL = try? TestEnvironment.current().migratedDatabase(named: "e2e_drain")
    }

    /// A scratch directory with `static/load.txt`.
    func makeStaticRoot(_ name: String) throws -> String {
        let environment = try TestEnvironment.current()
        let directory = environment.scratchDirectory + "/" + name
        _ = mkdir(directory, 0o755)
        _ = mkdir(directory + "/static", 0o755)
        let file = fopen(directory + "/static/load.txt", "w")
        guard let file else { throw BuiltExecutable.Failure(description: "cannot write \(directory)/static/load.txt") }
        fputs(Self.staticBody, file)
        fclose(file)
        return directory
    }

    func baseEnvironment() throws -> [String: String] {
        let environment = try TestEnvironment.current()
        guard let databaseURL = Self.databaseURL else { throw BuiltExecutable.Failure(description: "the test database could not be created") }
        return ["STOCKROOM_DATABASE_URL": databaseURL, "STOCKROOM_REDIS_URL": environment.redisURL,
                "STOCKROOM_CONFIG": "/dev/null", "PATH": "/usr/bin:/bin"]
    }

    /// `stockroom run` on a free port with a static root of its own, once it serves `/api/`.
    func startStockroomRun(_ name: String) throws -> (root: String, port: Int, run: ChildProcess) {
        let root = try makeStaticRoot(name)
        let port = try freeLoopbackPort()
        var environment = try baseEnvironment()
        environment["STOCKROOM_STATIC_ROOT"] = root + "/static"
        let run = try ChildProcess(executable: try BuiltExecutable.product("stockroom"),
                                   arguments: ["run", "--port", String(port), "--state-dir", root + "/state"],
                                   environment: environment)
        do {
            try waitUntilServing(port: port, path: "/api/", timeout: 60, process: run)
        } catch {
            run.signal(SIGKILL)
            throw error
        }
        return (root, port, run)
    }

    /// Waits until GET `path` on `port` answers 200.
    func waitUntilServing(port: Int, path: String, timeout: Double, process: ChildProcess) throws {
        let deadline = monotonicSeconds() + timeout
        while monotonicSeconds() < deadline {
            if let response = try? StackFixture.get(port: port, path: path, timeout: 2), response.hasPrefix("HTTP/1.1 200") { return }
            guard process.isRunning else { throw BuiltExecutable.Failure(description: "\(process.executable) exited: \(process.standardError)") }
            usleep(100_000)
        }
        throw BuiltExecutable.Failure(description: "nothing answered 200 on port \(port) at \(path) within \(timeout)s:\n\(process.standardOutput)\n\(process.standardError)")
    }

    /// The pids of `stockroom-proxy` processes whose environment mentions `marker`.
    func proxyProcesses(mentioning marker: String) -> [pid_t] {
        processes(of: "stockroom-proxy", mentioning: marker)
    }

    /// The pids of processes running `executable` whose environment mentions `marker`.
    func processes(of executable: String, mentioning marker: String) -> [pid_t] {
        StackFixture.processes(mentioning: marker).filter { pid in
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = readlink("/proc/\(pid)/exe", &buffer, buffer.count - 1)
            return length > 0 && String(cString: buffer).hasSuffix("/" + executable)
        }
    }

    /// SIGTERM to stockroom-proxy (in front of a real stockroom-web) while 16 keep-alive clients load
    /// it with static and proxied requests: every request the proxy accepted gets its whole response
    /// (those in flight with `Connection: close`), none is cut or dropped, and the proxy exits 0.
    /// Its own listening socket dies with it (no successor here), so connections opened after the
    /// drain began are refused or reset unanswered; those are counted apart and only allowed after it.
    func testSIGTERMUnderLoadLosesNoAcceptedRequestAndExitsZero() throws {
        let root = try makeStaticRoot("drain-sigterm")
        let webSocket = root + "/web.sock"
        let port = try freeLoopbackPort()
        let webNotify = try NotifyRecorder()
        var environment = try baseEnvironment()
        environment["NOTIFY_SOCKET"] = webNotify.path
        let web = try ChildProcess(executable: try BuiltExecutable.product("stockroom-web"),
                                   arguments: ["--listen", "web=unix:\(webSocket)"], environment: environment)
        defer { if web.isRunning { web.signal(SIGKILL) } }
        XCTAssertTrue(webNotify.waitFor("READY=1", timeout: 30), "stockroom-web is not ready: \(web.standardError)")
        let proxyNotify = try NotifyRecorder()
        environment["NOTIFY_SOCKET"] = proxyNotify.path
        environment["STOCKROOM_WEB_SOCKET"] = webSocket
        environment["STOCKROOM_STATIC_ROOT"] = root + "/static"
        let proxy = try ChildProcess(executable: try BuiltExecutable.product("stockroom-proxy"),
                                     arguments: ["--listen", "http=127.0.0.1:\(port)"], environment: environment)
        defer { if proxy.isRunning { proxy.signal(SIGKILL) } }
        XCTAssertTrue(proxyNotify.waitFor("READY=1", timeout: 30), "stockroom-proxy is not ready: \(proxy.standardError)")
        try waitUntilServing(port: port, path: "/api/", timeout: 10, process: proxy)

        let load = KeepAliveLoad(port: port, paths: ["/static/load.txt", "/api/"], clients: 16)
        usleep(1_500_000)
        let signalled = monotonicSeconds()
        proxy.signal(SIGTERM)
        let status = try proxy.wait(timeout: 30)
        let exited = monotonicSeconds()
        usleep(300_000)
        let events = load.stop()
        let summary = KeepAliveLoad.summary(events)

        XCTAssertEqual(status, .exited(0), proxy.standardError)
        XCTAssertTrue(proxyNotify.waitFor("STOPPING=1", timeout: 1), "\(proxyNotify.messages)")
        let answeredBefore = events.filter { $0.outcome == .answered && $0.time < signalled }.count
        XCTAssertGreaterThan(answeredBefore, 200, "the load did not get going: \(summary)")
        let answeredWithClose = events.filter { $0.outcome == .answered && $0.closed && $0.time >= signalled }.count
        XCTAssertGreaterThan(answeredWithClose, 0, "no request was answered with Connection: close during the drain: \(summary)")
        for outcome: KeepAliveLoad.Outcome in [.partial, .droppedOnReusedConnection, .timedOut] {
            XCTAssertEqual(KeepAliveLoad.count(events, outcome), 0, "\(outcome): \(summary)")
        }
        XCTAssertEqual(events.filter { if case .status = $0.outcome { return true } else { return false } }.count, 0, summary)
        let unanswered = events.filter { $0.outcome == .unservedOnNewConnection || $0.outcome == .refused }
        XCTAssertEqual(unanswered.filter { $0.time < signalled }.count, 0, "connections failed before the SIGTERM: \(summary)")
        print("SIGTERM under load: \(summary); drain took \(Int((exited - signalled) * 1000)) ms")

        web.signal(SIGTERM)
        XCTAssertEqual(try web.wait(timeout: 30), .exited(0), web.standardError)
    }

    /// Under `stockroom run`, whose supervisor holds the listening socket across restarts as systemd
    /// does, stockroom-proxy is sent SIGTERM twice while 16 keep-alive clients load it; the supervisor
    /// restarts it each time. The kernel queues the connections made while no proxy runs, and the new
    /// proxy answers them: not one connection is refused, and every request gets its whole 200 answer.
    func testRestartUnderStockroomRunRefusesNoConnectionAndAnswersEveryRequest() throws {
        let (root, port, run) = try startStockroomRun("drain-restart")
        defer { if run.isRunning { run.signal(SIGKILL) } }
        let first = proxyProcesses(mentioning: root + "/state")
        XCTAssertEqual(first.count, 1, "one stockroom-proxy under stockroom run: \(first)")

        let load = KeepAliveLoad(port: port, paths: ["/static/load.txt", "/api/"], clients: 16)
        var killed: [pid_t] = []
        for _ in 0..<2 {
            usleep(1_500_000)
            let proxies = proxyProcesses(mentioning: root + "/state")
            guard let pid = proxies.first, proxies.count == 1 else {
                XCTFail("expected one running stockroom-proxy, found \(proxies)")
                break
            }
            killed.append(pid)
            kill(pid, SIGTERM)
        }
        usleep(2_000_000)
        let restartedBy = monotonicSeconds()
        usleep(500_000)
        let events = load.stop()
        let summary = KeepAliveLoad.summary(events)

        let now = proxyProcesses(mentioning: root + "/state")
        XCTAssertEqual(now.count, 1, "the supervisor restarted the proxy: \(now)\n\(run.standardOutput)")
        XCTAssertFalse(now.contains { killed.contains($0) }, "the proxy running now is a new process: \(now), stopped \(killed)")
        XCTAssertEqual(KeepAliveLoad.count(events, .answered), events.count, "every request answered 200: \(summary)")
        XCTAssertEqual(KeepAliveLoad.count(events, .refused), 0, summary)
        XCTAssertGreaterThan(KeepAliveLoad.count(events, .answered, after: restartedBy), 0, "the restarted proxy serves: \(summary)")
        XCTAssertGreaterThan(events.filter { $0.closed }.count, 0, "the drains answered with Connection: close: \(summary)")
        print("restart under load: \(summary)")

        run.signal(SIGTERM)
        XCTAssertEqual(try run.wait(timeout: 60), .exited(0), String(run.standardOutput.suffix(3000)))
    }

    /// The same restart under Debian's `wrk` (32 keep-alive connections, reconnecting after each
    /// `Connection: close`): wrk reports no socket error of any kind (connect, read, write, timeout)
    /// and no response other than 2xx or 3xx while the proxy behind the held socket is replaced.
    func testWrkSeesNoErrorWhileTheProxyIsRestartedUnderStockroomRun() throws {
        guard access("/usr/bin/wrk", X_OK) == 0 else { throw BuiltExecutable.Failure(description: "/usr/bin/wrk is missing: scripts/install-deps installs it") }
        let (root, port, run) = try startStockroomRun("drain-wrk")
        defer { if run.isRunning { run.signal(SIGKILL) } }
        let before = proxyProcesses(mentioning: root + "/state")
        XCTAssertEqual(before.count, 1, "one stockroom-proxy under stockroom run: \(before)")

        let wrk = try ChildProcess(executable: "/usr/bin/wrk",
                                   arguments: ["-t2", "-c32", "-d5s", "--timeout", "10s", "http://127.0.0.1:\(port)/api/"],
                                   environment: ["PATH": "/usr/bin:/bin"])
        defer { if wrk.isRunning { wrk.signal(SIGKILL) } }
        usleep(2_000_000)
        for pid in before { kill(pid, SIGTERM) }
        XCTAssertEqual(try wrk.wait(timeout: 30), .exited(0), wrk.standardError)
        let report = wrk.standardOutput
        print("wrk across a proxy restart:\n\(report)")

        XCTAssertFalse(report.contains("Socket errors"), "wrk saw socket errors:\n\(report)")
        XCTAssertFalse(report.contains("Non-2xx or 3xx"), "wrk saw failed responses:\n\(report)")
        let requests = report.split(separator: "\n").first { $0.contains(" requests in ") }
            .flatMap { Int($0.split(separator: " ").first ?? "") } ?? 0
        XCTAssertGreaterThan(requests, 1000, "wrk made too few requests to prove anything:\n\(report)")
        let after = proxyProcesses(mentioning: root + "/state")
        XCTAssertEqual(after.count, 1, "\(after)")
        XCTAssertFalse(after.contains { before.contains($0) }, "the proxy was replaced: before \(before), after \(after)")

        run.signal(SIGTERM)
        XCTAssertEqual(try run.wait(timeout: 60), .exited(0), String(run.standardOutput.suffix(3000)))
    }

    /// Under `stockroom run`, stockroom-web (behind the proxy's pool of keep-alive upstream connections)
    /// is sent SIGTERM while 16 clients load `/api/` through the proxy: no request fails with a 502.
    func testRestartingStockroomWebUnderLoadFailsNoProxiedRequest() throws {
        let (root, port, run) = try startStockroomRun("drain-web")
        defer { if run.isRunning { run.signal(SIGKILL) } }
        let before = processes(of: "stockroom-web", mentioning: root + "/state")
        XCTAssertEqual(before.count, 1, "one stockroom-web under stockroom run: \(before)")

        let load = KeepAliveLoad(port: port, paths: ["/api/"], clients: 16)
        usleep(1_500_000)
        for pid in before { kill(pid, SIGTERM) }
        usleep(3_000_000)
        let events = load.stop()
        let summary = KeepAliveLoad.summary(events)
        print("stockroom-web restart under load: \(summary)")

        let after = processes(of: "stockroom-web", mentioning: root + "/state")
        XCTAssertEqual(after.count, 1, "\(after)")
        XCTAssertFalse(after.contains { before.contains($0) }, "stockroom-web was replaced: before \(before), after \(after)")
        XCTAssertEqual(KeepAliveLoad.count(events, .answered), events.count, "every proxied request answered 200: \(summary)")

        run.signal(SIGTERM)
        XCTAssertEqual(try run.wait(timeout: 60), .exited(0), String(run.standardOutput.suffix(3000)))
    }
}
