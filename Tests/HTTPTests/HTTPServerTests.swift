import Daemon
import Glibc
import XCTest
@testable import HTTP

final class HTTPServerTests: XCTestCase {
    func echoRouter() -> Router {
        let router = Router()
        router.get("/hello", mode: .inline) { _ in .text("hello") }
        router.get("/slow/:ms") { request in
            sleepMilliseconds(Int(request.pathParameters["ms"] ?? "0") ?? 0)
            return .text("slow \(request.pathParameters["ms"] ?? "")")
        }
        router.post("/echo") { request in
            var response = HTTPResponse(status: 200, contentType: "application/octet-stream", body: request.body.readAll() ?? [])
            switch request.body {
            case .file(let path, _): response.headers.add(name: "X-Body", value: "file \(path)")
            case .bytes: response.headers.add(name: "X-Body", value: "memory")
            case .none: response.headers.add(name: "X-Body", value: "none")
            }
            return response
        }
        router.get("/id") { request in .text(request.requestID) }
        router.get("/query") { request in .text("\(request.path)|\(request.query("a") ?? "-")") }
        return router
    }

    func testKeepAliveServesSeveralRequestsOnOneConnection() throws {
        let running = try RunningServer(router: echoRouter())
        defer { running.stop() }
        let client = try running.connect()
        for _ in 0..<5 {
            client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = client.readResponse()
            XCTAssertEqual(response?.status, 200)
            XCTAssertEqual(response?.text, "hello")
            XCTAssertEqual(response?.headers["connection"], "keep-alive")
            XCTAssertNotNil(response?.headers["date"])
        }
        client.send("GET /slow/1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.headers["connection"], "close")
        XCTAssertTrue(client.waitForClose())
    }

    /// A head-only route is answered on the loop from the request head; with a body, a pipelined
    /// request after it, and through the router for callers outside the engine.
    func testAHeadOnlyRouteIsAnsweredFromTheRequestHead() throws {
        let router = echoRouter()
        router.addHeadOnly(.GET, "/head/*rest") { head in
            .text("\(head.method) \(head.rawPath) \(head.rawQuery) \(head.headers["X-Thing"] ?? "-")")
        }
        let running = try RunningServer(router: router)
        defer { running.stop() }
        let client = try running.connect()
        client.send("GET /head/a%20b?q=1 HTTP/1.1\r\nHost: t\r\nX-Thing: yes\r\nContent-Length: 3\r\n\r\nabc"
                    + "GET /hello HTTP/1.1\r\nHost: t\r\n\r\nHEAD /head/x HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.text, "GET /head/a%20b q=1 yes")
        XCTAssertEqual(client.readResponse()?.text, "hello")
        let head = client.readResponse(headRequest: true)
        XCTAssertEqual(head?.status, 200)
        XCTAssertEqual(head?.headers["content-length"], String("HEAD /head/x  -".utf8.count))
        let outside = router.respond(to: HTTPRequest(method: .GET, path: "/head/z", rawQuery: "k=v",
                                                     headers: HTTPHeaders([("X-Thing", "out")])))
        if case .bytes(let bytes) = outside.body {
            XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "GET /head/z k=v out")
        } else {
            XCTFail("no body")
        }
    }

    func testPipelinedRequestsAreAnsweredInOrder() throws {
        let running = try RunningServer(router: echoRouter())
        defer { running.stop() }
        let client = try running.connect()
        client.send("GET /slow/200 HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabcGET /slow/5 HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.text, "slow 200")
        XCTAssertEqual(client.readResponse()?.text, "hello")
        XCTAssertEqual(client.readResponse()?.text, "abc")
        XCTAssertEqual(client.readResponse()?.text, "slow 5")
    }

    func testALongPipelineIsServedWholeWithoutStarvingOthers() throws {
        let running = try RunningServer(router: echoRouter())
        defer { running.stop() }
        let greedy = try running.connect()
        let count = 20_000
        let pipeline = Array(String(repeating: "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n", count: count).utf8)
        let sender = JoinableThread(name: "pipeline-sender") { greedy.send(pipeline) }
        let other = try running.connect()
        let start = monotonicNanoseconds()
        other.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(other.readResponse()?.text, "hello")
        XCTAssertLessThan((monotonicNanoseconds() - start) / 1_000_000, 1000, "another connection must not wait behind the pipeline")
        var answered = 0
        while answered < count, let response = greedy.readResponse() {
            XCTAssertEqual(response.text, "hello")
            answered += 1
        }
        sender.join()
        XCTAssertEqual(answered, count)
    }

    func testChunkedUploadIsDecoded() throws {
        let running = try RunningServer(router: echoRouter())
        defer { running.stop() }
        let client = try running.connect()
        client.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
        sleepMilliseconds(50)
        client.send("6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n")
        let response = client.readResponse()
        XCTAssertEqual(response?.text, "hello world")
        XCTAssertEqual(response?.headers["x-body"], "memory")
    }

    func testExpectContinueGetsAnInterimResponse() throws {
        let running = try RunningServer(router: echoRouter())
        defer { running.stop() }
        let client = try running.connect()
        client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
        XCTAssertTrue(client.fill())
        XCTAssertTrue(String(decoding: client.buffer, as: UTF8.self).hasPrefix("HTTP/1.1 100 Continue\r\n\r\n"))
        client.send("ok")
        XCTAssertEqual(client.readResponse()?.text, "ok")
    }

    func testLargeBodyGoesToATemporaryFileThatIsRemovedAfterwards() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var configuration = RunningServer.fastConfiguration()
        configuration.bodyInMemoryThreshold = 1024
        configuration.temporaryDirectory = directory.path
        let running = try RunningServer(router: echoRouter(), configuration: configuration)
        defer { running.stop() }
        let body = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        for framing in ["length", "chunked"] {
            let client = try running.connect()
            if framing == "length" {
                client.send(Array("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
            } else {
                var bytes = Array("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
                for start in stride(from: 0, to: body.count, by: 7000) {
                    let piece = body[start..<min(start + 7000, body.count)]
                    bytes += Array(String(piece.count, radix: 16).utf8) + [13, 10] + piece + [13, 10]
                }
                bytes += Array("0\r\n\r\n".utf8)
                client.send(bytes)
            }
            let response = client.readResponse()
            XCTAssertEqual(response?.status, 200, framing)
            XCTAssertEqual(response?.body, body, framing)
            XCTAssertEqual(response?.headers["x-body"]?.hasPrefix("file \(directory.path)/"), true, framing)
        }
        // The file goes right after the last byte is written, which may be just after the client read it.
        for _ in 0..<50 where !directory.files().isEmpty { sleepMilliseconds(10) }
        XCTAssertEqual(directory.files(), [], "temporary body files must be removed after the response")
    }

    func testPartialWritesWithATinySendBufferAndASlowReader() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let big = (0..<400_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 11) }
        let filePath = directory.path + "/big.bin"
        let fd = open(filePath, O_WRONLY | O_CREAT, 0o600)
        _ = big.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        let router = Router()
        router.get("/bytes", mode: .inline) { _ in HTTPResponse(status: 200, contentType: "application/octet-stream", body: big) }
        router.get("/file", mode: .inline) { _ in
            guard let region = HTTPFileRegion(path: filePath) else { return .error(500, "no file") }
            return HTTPResponse(status: 200, body: .file(region))
        }
        let running = try RunningServer(router: router) { fd in
            var size: Int32 = 4096
            setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        defer { running.stop() }
        let client = try running.connect()
        for path in ["/bytes", "/file", "/bytes"] {
            client.send("GET \(path) HTTP/1.1\r\nHost: t\r\n\r\n")
            // Slow reader: small reads with pauses until the head arrives, then the rest.
            for _ in 0..<20 {
                _ = client.fill(max: 512)
                sleepMilliseconds(5)
            }
            let response = client.readResponse()
            XCTAssertEqual(response?.status, 200, path)
            XCTAssertEqual(response?.body.count, big.count, path)
            XCTAssertTrue(response?.body == big, "\(path) body differs")
        }
    }

    func testSlowHeadersAreCutOffByTheHeaderTimeout() throws {
        var configuration = RunningServer.fastConfiguration()
        configuration.headerTimeout = .milliseconds(300)
        let running = try RunningServer(router: echoRouter(), configuration: configuration)
        defer { running.stop() }
        let client = try running.connect()
        let start = monotonicNanoseconds()
        client.send("GET /hello HTTP/1.1\r\n")
        for _ in 0..<3 {
            sleepMilliseconds(50)
            client.send("X-A: b\r\n")
        }
        XCTAssertTrue(client.waitForClose(seconds: 3))
        let elapsed = (monotonicNanoseconds() - start) / 1_000_000
        XCTAssertGreaterThanOrEqual(elapsed, 250)
        XCTAssertLessThan(elapsed, 2000)
        // A silent connection is cut off too.
        let silent = try running.connect()
        XCTAssertTrue(silent.waitForClose(seconds: 3))
    }

    func testStalledBodyIsCutOff() throws {
        var configuration = RunningServer.fastConfiguration()
        configuration.bodyStallTimeout = .milliseconds(300)
        let running = try RunningServer(router: echoRouter(), configuration: configuration)
        defer { running.stop() }
        let client = try running.connect()
        client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nabc")
        XCTAssertTrue(client.waitForClose(seconds: 3))
    }

    func testIdleKeepAliveConnectionIsClosed() throws {
        var configuration = RunningServer.fastConfiguration()
        configuration.idleTimeout = .milliseconds(300)
        let running = try RunningServer(router: echoRouter(), configuration: configuration)
        defer { running.stop() }
        let client = try running.connect()
        client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.status, 200)
        let start = monotonicNanoseconds()
        XCTAssertTrue(client.waitForClose(seconds: 3))
        XCTAssertGreaterThanOrEqual((monotonicNanoseconds() - start) / 1_000_000, 250)
    }

    func testConnectionsOverTheLimitGet503AndAreClosed() throws {
        var configuration = RunningServer.fastConfiguration()
        configuration.maxConnections = 2
        let running = try RunningServer(router: echoRouter(), configuration: configuration)
        defer { running.stop() }
        let first = try running.connect()
        let second = try running.connect()
        for client in [first, second] {
            client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            XCTAssertEqual(client.readResponse()?.status, 200)
        }
        let third = try running.connect()
        let response = third.readResponse()
        XCTAssertEqual(response?.status, 503)
        XCTAssertTrue(third.waitForClose())
        // The refused one is counted until the server has closed it, just after the client saw the close.
        for _ in 0..<50 where running.server.connectionCount != 2 { sleepMilliseconds(10) }
        XCTAssertEqual(running.server.connectionCount, 2)
        // A slot frees up when a connection closes.
        first.send("GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        XCTAssertEqual(first.readResponse()?.status, 200)
        XCTAssertTrue(first.waitForClose())
        first.close()
        sleepMilliseconds(50)
        let fourth = try running.connect()
        fourth.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(fourth.readResponse()?.status, 200)
    }

    func testEachRejectionAnswersItsStatusAndCloses() throws {
        var configuration = RunningServer.fastConfiguration()
        configuration.maxHeaderBytes = 2048
        configuration.maxHeaderCount = 20
        configuration.maxRequestLineBytes = 1024
        configuration.maxBodyBytes = 1000
        let running = try RunningServer(router: echoRouter(), configuration: configuration)
        defer { running.stop() }
        let cases: [(String, Int)] = [
            ("GET / HTTP/1.1\r\nHost : t\r\n\r\n", 400),
            ("GET / HTTP/1.1\r\nHost: t\r\nX: a\r\n folded\r\n\r\n", 400),
            ("GET / HTTP/1.1\r\nHost: t\rX: y\r\n\r\n", 400),
            ("GET / HTTP/1.1\r\nX: y\r\n\r\n", 400),
            ("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
            ("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
            ("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3, 3\r\n\r\nabc", 400),
            ("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400),
            ("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
            ("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n", 413),
            ("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n" + String(repeating: "x", count: 2000) + "\r\n0\r\n\r\n", 413),
            ("GET /" + String(repeating: "a", count: 2000) + " HTTP/1.1\r\nHost: t\r\n\r\n", 414),
            ("GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + String(repeating: "b", count: 3000) + "\r\n\r\n", 431),
            ("GET / HTTP/1.1\r\nHost: t\r\n" + (0..<30).map { "X-\($0): v\r\n" }.joined() + "\r\n", 431),
            ("GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505),
            ("GET /a/../../etc/passwd HTTP/1.1\r\nHost: t\r\n\r\n", 400),
            ("GET /a%2Fb HTTP/1.1\r\nHost: t\r\n\r\n", 400),
            ("GET /a%00b HTTP/1.1\r\nHost: t\r\n\r\n", 400),
        ]
        for (request, status) in cases {
            let client = try running.connect()
            client.send(request)
            let response = client.readResponse()
            XCTAssertEqual(response?.status, status, request.debugDescription)
            XCTAssertEqual(response?.headers["connection"], "close", request.debugDescription)
            XCTAssertEqual(response?.text.contains("at byte"), true, "the error body must say where: \(response?.text ?? "")")
            XCTAssertTrue(client.waitForClose(), "connection left open after \(request.debugDescription)")
        }
    }

    func testRefusalIsReadableEvenWhenTheClientKeepsSendingItsBody() throws {
        var configuration = RunningServer.fastConfiguration()
        configuration.maxBodyBytes = 1000
        let running = try RunningServer(router: echoRouter(), configuration: configuration)
        defer { running.stop() }
        let client = try running.connect()
        // The server refuses at the head; unread body bytes must not turn its close into a reset
        // that destroys the 413 before the client reads it.
        client.send(Array("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 300000\r\n\r\n".utf8) + Array(repeating: 0x61, count: 300_000))
        let response = client.readResponse()
        XCTAssertEqual(response?.status, 413)
        XCTAssertTrue(client.waitForClose())
    }

    func testRequestFollowedByHalfCloseIsAnsweredThenClosed() throws {
        let running = try RunningServer(router: echoRouter())
        defer { running.stop() }
        let client = try running.connect()
        client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        shutdown(client.fd, Int32(SHUT_WR))
        XCTAssertEqual(client.readResponse()?.text, "hello")
        XCTAssertTrue(client.waitForClose(seconds: 2), "the server must notice the half-close, not wait for the idle timeout")
    }

    func testUnknownPathIs404AndWrongMethodIs405() throws {
        let running = try RunningServer(router: echoRouter())
        defer { running.stop() }
        let client = try running.connect()
        client.send("GET /nothing HTTP/1.1\r\nHost: t\r\n\r\nDELETE /hello HTTP/1.1\r\nHost: t\r\n\r\nHEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.status, 404)
        let notAllowed = client.readResponse()
        XCTAssertEqual(notAllowed?.status, 405)
        XCTAssertEqual(notAllowed?.headers["allow"], "GET, HEAD")
        let head = client.readResponse(headRequest: true)
        XCTAssertEqual(head?.status, 200)
        XCTAssertEqual(head?.headers["content-length"], "5")
        client.send("GET /query?a=x%20y HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.text, "/query|x y", "no body may follow the HEAD response")
    }

    func testAccessLogRecordsRequestsWithRequestIDs() throws {
        let running = try RunningServer(router: echoRouter())
        let mutex = Lock()
        var records: [AccessLogRecord] = []
        var alive = Set<Int>()
        running.server.onAccessLog = { record in mutex.withLock { records.append(record) } }
        running.server.onLoopAlive = { loop in mutex.withLock { _ = alive.insert(loop) } }
        defer { running.stop() }
        let client = try running.connect()
        client.send("GET /id HTTP/1.1\r\nHost: t\r\nX-Request-ID: abc-123\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.text, "abc-123")
        client.send("GET /id HTTP/1.1\r\nHost: t\r\nX-Request-ID: bad id!\r\n\r\n")
        let generated = client.readResponse()?.text ?? ""
        XCTAssertEqual(generated.count, 15)
        XCTAssertNotEqual(generated, "bad id!")
        client.send("GET /query HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.status, 200)
        sleepMilliseconds(100)
        mutex.withLock {
            XCTAssertEqual(records.map(\.requestID).prefix(2), ["abc-123", generated])
            XCTAssertEqual(records.last?.path, "/query")
            XCTAssertEqual(records.last?.method, "GET")
            XCTAssertEqual(records.last?.status, 200)
            XCTAssertGreaterThan(records.last?.bytes ?? 0, 100)
            XCTAssertEqual(alive, [0, 1], "both idle loops must report that they are alive")
        }
    }

    func testStreamedBodyIsSentChunked() throws {
        final class Counter: HTTPBodyStream {
            var remaining = 5
            func next() throws -> [UInt8]? {
                guard remaining > 0 else { return nil }
                remaining -= 1
                return Array("part\(remaining);".utf8)
            }
        }
        let router = Router()
        router.get("/stream") { _ in HTTPResponse(status: 200, body: .stream(Counter())) }
        let running = try RunningServer(router: router)
        defer { running.stop() }
        let client = try running.connect()
        client.send("GET /stream HTTP/1.1\r\nHost: t\r\n\r\nGET /stream HTTP/1.1\r\nHost: t\r\n\r\n")
        for _ in 0..<2 {
            let response = client.readResponse()
            XCTAssertEqual(response?.headers["transfer-encoding"], "chunked")
            XCTAssertEqual(response?.text, "part4;part3;part2;part1;part0;")
        }
    }

    func testDrainFinishesTheRequestInFlightClosesIdleConnectionsAndReturns() throws {
        let running = try RunningServer(router: echoRouter())
        let idle = try running.connect()
        idle.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(idle.readResponse()?.status, 200)
        let busy = try running.connect()
        busy.send("GET /slow/500 HTTP/1.1\r\nHost: t\r\n\r\n")
        sleepMilliseconds(100)
        running.server.beginShutdown()
        XCTAssertTrue(idle.waitForClose(seconds: 2), "idle keep-alive connection must be closed once the drain's idle grace is over")
        let response = busy.readResponse()
        XCTAssertEqual(response?.text, "slow 500")
        XCTAssertEqual(response?.headers["connection"], "close")
        XCTAssertTrue(busy.waitForClose())
        busy.close()
        for _ in 0..<100 where !running.hasFinished { sleepMilliseconds(20) }
        XCTAssertTrue(running.hasFinished, "run() must return after the drain")
        // The listening socket stays open: a new connection is queued by the kernel, not refused.
        XCTAssertNoThrow(try running.connect())
        running.stop()
    }

    func testARequestSentOnAnIdleConnectionJustAfterTheDrainBeganIsAnsweredWithClose() throws {
        let running = try RunningServer(router: echoRouter())
        let idle = try running.connect()
        idle.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(idle.readResponse()?.status, 200)
        running.server.beginShutdown()
        sleepMilliseconds(50)
        idle.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = idle.readResponse()
        XCTAssertEqual(response?.status, 200, "a request racing the drain must be answered, not dropped")
        XCTAssertEqual(response?.headers["connection"], "close")
        XCTAssertTrue(idle.waitForClose())
        idle.close()
        for _ in 0..<100 where !running.hasFinished { sleepMilliseconds(20) }
        XCTAssertTrue(running.hasFinished, "run() must return after the drain")
        running.stop()
    }

    func testOptionsAsteriskIsAnsweredByTheServerNotTheRouter() throws {
        let router = echoRouter()
        router.add(.OPTIONS, "/*anything") { _ in .text("a route must not see OPTIONS *") }
        let running = try RunningServer(router: router)
        defer { running.stop() }
        let client = try running.connect()
        client.send("OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = client.readResponse()
        XCTAssertEqual(response?.status, 200)
        XCTAssertEqual(response?.headers["allow"], "GET, POST, OPTIONS, HEAD")
        XCTAssertEqual(response?.text, "")
    }

    func testAHandlersConnectionCloseClosesAfterOneConnectionHeader() throws {
        let router = Router()
        router.get("/bye", mode: .inline) { _ in
            var response = HTTPResponse.text("bye")
            response.headers.add(name: "Connection", value: "close")
            response.headers.add(name: "Content-Length", value: "3")
            return response
        }
        let running = try RunningServer(router: router)
        defer { running.stop() }
        let client = try running.connect()
        client.send("GET /bye HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = client.readResponse()
        XCTAssertEqual(response?.text, "bye")
        XCTAssertEqual(response?.headers["connection"], "close")
        for name in ["connection", "content-length", "date"] {
            XCTAssertEqual(response?.names.filter { $0 == name }.count, 1, "one \(name) header: \(response?.names ?? [])")
        }
        XCTAssertTrue(client.waitForClose(), "the server closes as the handler asked")
    }

    func testServesOnAUnixListeningSocket() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/web.sock"
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = unixAddress(path)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        XCTAssertEqual(bound, 0)
        XCTAssertEqual(listen(fd, 16), 0)
        defer { close(fd) }
        let router = Router()
        router.get("/who") { request in .text(request.remoteAddress) }
        let server = HTTPServer(listeningSocket: fd, router: router, configuration: RunningServer.fastConfiguration())
        let thread = JoinableThread(name: "unix-server") {
            do { try server.run() } catch { XCTFail("\(error)") }
        }
        let client = try TestClient(unixPath: path)
        client.send("GET /who HTTP/1.1\r\nHost: localhost\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.text, "unix")
        client.close()
        server.beginShutdown()
        thread.join()
    }
}
