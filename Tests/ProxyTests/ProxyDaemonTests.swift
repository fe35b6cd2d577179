import Glibc
import Postgres
import TestSupport
import XCTest

/// The real `stockroom-proxy` binary in front of a real `stockroom-web` on a unix socket.
final class ProxyDaemonTests: XCTestCase {
    func testProxyBinaryServesStaticFilesAndPassesTheAPIToStockroomWeb() throws {
        let environment = try TestEnvironment.current()
        let databaseURL = try environment.migratedDatabase(named: "proxy_e2e")
        let directory = try ScratchDirectory()
        try directory.write("static/hello.txt", Array("hello from the static root\n".utf8))
        let webSocket = directory.path + "/web.sock"
        let common = [
            "STOCKROOM_DATABASE_URL": databaseURL,
            "STOCKROOM_REDIS_URL": environment.redisURL,
            "STOCKROOM_CONFIG": "/dev/null",
            "PATH": "/usr/bin:/bin",
        ]
        let web = try ChildProcess(executable: try BuiltExecutable.product("stockroom-web"), arguments: ["--listen", "web=unix:\(webSocket)"],
                                   environment: common)
        defer { if web.isRunning { web.signal(SIGKILL) } }
        XCTAssertTrue(web.waitForStandardError(containing: " ready", timeout: 30), "stockroom-web did not start: \(web.standardError)")
        let port = UInt16(try freeLoopbackPort())
        var proxyEnvironment = common
        proxyEnvironment["STOCKROOM_WEB_SOCKET"] = webSocket
        proxyEnvironment["STOCKROOM_STATIC_ROOT"] = directory.path + "/static"
        proxyEnvironment["STOCKROOM_MEDIA_ROOT"] = directory.path
        let proxy = try ChildProcess(executable: try BuiltExecutable.product("stockroom-proxy"),
                                     arguments: ["--listen", "http=127.0.0.1:\(port)"], environment: proxyEnvironment)
        defer { if proxy.isRunning { proxy.signal(SIGKILL) } }

        let client = try connect(port: port, process: proxy)
        let api = try client.get("/api/anything/")
        XCTAssertEqual(api.status, 404, api.text)
        XCTAssertEqual(api.header("Content-Type"), "application/json")
        XCTAssertTrue(api.text.contains(#""detail""#) && api.text.contains("/api/anything/"), "stockroom-web's 404 JSON: \(api.text)")

        let file = try client.get("/static/hello.txt")
        XCTAssertEqual(file.status, 200)
        XCTAssertEqual(file.text, "hello from the static root\n")
        XCTAssertEqual(try client.get("/media/x.pdf").status, 404, "no record owns it")

        proxy.signal(SIGTERM)
        web.signal(SIGTERM)
        XCTAssertEqual(try proxy.wait(timeout: 30), .exited(0), proxy.standardError)
        XCTAssertEqual(try web.wait(timeout: 30), .exited(0), web.standardError)
    }

    func testProxyBinaryAnswers502WhenStockroomWebIsDown() throws {
        let environment = try TestEnvironment.current()
        let databaseURL = try environment.migratedDatabase(named: "proxy_e2e_down")
        let directory = try ScratchDirectory()
        let port = UInt16(try freeLoopbackPort())
        let proxy = try ChildProcess(
            executable: try BuiltExecutable.product("stockroom-proxy"), arguments: ["--listen", "http=127.0.0.1:\(port)"],
            environment: ["STOCKROOM_DATABASE_URL": databaseURL, "STOCKROOM_REDIS_URL": environment.redisURL,
                          "STOCKROOM_CONFIG": "/dev/null", "PATH": "/usr/bin:/bin",
                          "STOCKROOM_WEB_SOCKET": directory.path + "/nobody.sock", "STOCKROOM_STATIC_ROOT": directory.path + "/none"])
        defer { if proxy.isRunning { proxy.signal(SIGKILL) } }
        let response = try connect(port: port, process: proxy).get("/api/part/")
        XCTAssertEqual(response.status, 502)
        XCTAssertTrue(response.text.contains("upstream unavailable") && response.text.contains("nobody.sock"), response.text)
        XCTAssertTrue(proxy.standardError.contains("cannot serve /static/"), "a missing static root is reported: \(proxy.standardError)")
        proxy.signal(SIGTERM)
        XCTAssertEqual(try proxy.wait(timeout: 30), .exited(0), proxy.standardError)
    }

    /// Connects once the daemon listens (it binds --listen sockets at start).
    private func connect(port: UInt16, process: ChildProcess) throws -> HTTPTestClient {
        let deadline = Date.now.addingTimeInterval(20)
        while true {
            if let client = try? HTTPTestClient(port: port) { return client }
            guard process.isRunning, Date.now < deadline else {
                throw TestFailure("\(process.executable) never listened on port \(port): \(process.standardError)")
            }
            usleep(50_000)
        }
    }
}
