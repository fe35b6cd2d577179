import Daemon
import Glibc
import Synchronization
import XCTest
@testable import HTTP

/// Requests forwarded from a `.deferred` route: the exchange runs in the client connection's own
/// event loop (`LoopUpstreamPool`), against the real test upstream, through a real server.
final class LoopUpstreamTests: UpstreamServerTestCase {
    /// Counts completions that ran somewhere other than an event loop's thread.
    private final class Tally: Sendable {
        let offLoop = Mutex(0)
    }

    private let tally = Tally()

    /// A server whose every GET and POST is forwarded through `client`.
    private func proxy(_ client: UpstreamClient) throws -> RunningServer {
        let router = Router()
        for method in [HTTPMethod.GET, .POST] {
            router.addDeferred(method, "/*path") { [tally] request, responder in
                var body = UpstreamRequestBody.none
                if case .bytes(let bytes) = request.body { body = .bytes(bytes) }
                let forwarded = UpstreamRequest(method: request.method.rawValue, target: request.target,
                                                headers: request.headers.map { ($0.name, $0.value) }, body: body,
                                                clientAddress: "127.0.0.1")
                client.send(forwarded, wholeBodyLimit: 64 * 1024) { reply in
                    if EventLoop.current == nil { tally.offLoop.withLock { $0 += 1 } }
                    responder.respond(Self.response(reply))
                }
            }
        }
        return try RunningServer(router: router)
    }

    private static func response(_ reply: UpstreamAsyncReply) -> HTTPResponse {
        switch reply {
        case .complete(let head, let body):
            return HTTPResponse(status: head.status, headers: HTTPHeaders(head.forwardableHeaders), body: .bytes(body))
        case .streaming(let head, let body):
            return HTTPResponse(status: head.status, headers: HTTPHeaders(head.forwardableHeaders), body: .stream(body))
        case .failed(let failure):
            return HTTPResponse(status: failure.status, headers: HTTPHeaders(failure.headers), body: .bytes(failure.body))
        }
    }

    func testForwardedRequestsStayOnTheLoopAndReuseItsConnection() throws {
        for address in [unixAddress, tcpAddress] {
            let client = UpstreamClient(address: address)
            let proxied = try proxy(client)
            defer { proxied.stop() }
            let connection = try proxied.connect()
            for index in 0..<20 {
                connection.send("GET /hello?n=\(index) HTTP/1.1\r\nHost: shop.example\r\n\r\n")
                let response = connection.readResponse()
                XCTAssertEqual(response?.status, 200, "\(address)")
                XCTAssertEqual(response?.text, "hello", "\(address)")
            }
            XCTAssertEqual(client.idleConnectionCount, 1, "one pooled connection in the client connection's loop (\(address))")
        }
        XCTAssertEqual(server.acceptedConnections, 2, "one upstream connection per address carried all 20 requests")
        XCTAssertEqual(tally.offLoop.withLock { $0 }, 0, "every completion ran on the event loop's thread")
    }

    func testPipelinedRequestsThroughTheUpstreamAnswerInOrder() throws {
        let client = UpstreamClient(address: unixAddress)
        let proxied = try proxy(client)
        defer { proxied.stop() }
        let connection = try proxied.connect()
        connection.send("GET /hello HTTP/1.1\r\nHost: h\r\n\r\n"
            + "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nbody"
            + "GET /chunked HTTP/1.1\r\nHost: h\r\n\r\n"
            + "GET /hello HTTP/1.1\r\nHost: h\r\n\r\n")
        XCTAssertEqual(connection.readResponse()?.text, "hello")
        let echo = connection.readResponse()?.text ?? ""
        XCTAssertTrue(echo.hasPrefix("POST /echo HTTP/1.1\r\n"), echo)
        XCTAssertTrue(echo.contains("X-Forwarded-For: 127.0.0.1\r\n"), echo)
        XCTAssertTrue(echo.hasSuffix("\r\n\r\nbody"), echo)
        XCTAssertEqual(connection.readResponse()?.text, "Wikipedia", "a chunked body is streamed between the others")
        XCTAssertEqual(connection.readResponse()?.text, "hello")
        XCTAssertEqual(server.acceptedConnections, 1)
    }

    func testUpstreamDownIsA502ThatNamesIt() throws {
        let missing = directory.path + "/nobody-listens.sock"
        let proxied = try proxy(UpstreamClient(address: .unix(path: missing)))
        defer { proxied.stop() }
        let connection = try proxied.connect()
        for _ in 0..<2 {
            connection.send("GET /api/part/ HTTP/1.1\r\nHost: h\r\n\r\n")
            let response = connection.readResponse()
            XCTAssertEqual(response?.status, 502)
            XCTAssertEqual(response?.text, "upstream unavailable: connect to unix:\(missing) failed: No such file or directory\n")
        }
    }

    func testUpstreamClosingMidResponseIsA502AndTheNextRequestGetsAFreshConnection() throws {
        let client = UpstreamClient(address: unixAddress)
        let proxied = try proxy(client)
        defer { proxied.stop() }
        let connection = try proxied.connect()
        connection.send("GET /stall-body HTTP/1.1\r\nHost: h\r\n\r\n")
        let cut = connection.readResponse()
        XCTAssertEqual(cut?.status, 502)
        XCTAssertTrue(cut?.text.contains("inside the response body") == true, cut?.text ?? "no response")
        connection.send("GET /hello HTTP/1.1\r\nHost: h\r\n\r\n")
        XCTAssertEqual(connection.readResponse()?.text, "hello")
        XCTAssertEqual(server.acceptedConnections, 2, "the cut connection was not reused")
    }

    func testIdleConnectionsTheUpstreamClosesAreDroppedOrRetried() throws {
        let client = UpstreamClient(address: unixAddress)
        let proxied = try proxy(client)
        defer { proxied.stop() }
        let connection = try proxied.connect()
        connection.send("GET /hangup-after HTTP/1.1\r\nHost: h\r\n\r\n")
        XCTAssertEqual(connection.readResponse()?.text, "ok")
        sleepMilliseconds(100)
        XCTAssertEqual(client.idleConnectionCount, 0, "the loop saw the upstream close its idle connection and dropped it")
        // The upstream answers the first request on a connection and drops the second unanswered:
        // the GET is sent once more on a fresh connection.
        connection.send("GET /drop-second HTTP/1.1\r\nHost: h\r\n\r\n")
        XCTAssertEqual(connection.readResponse()?.text, "answer1")
        connection.send("GET /drop-second HTTP/1.1\r\nHost: h\r\n\r\n")
        XCTAssertEqual(connection.readResponse()?.text, "answer1", "answered on a fresh connection")
        XCTAssertEqual(server.acceptedConnections, 3)
    }

    func testLargeBodyIsStreamedAndItsConnectionComesBackToTheLoop() throws {
        let client = UpstreamClient(address: unixAddress)
        let proxied = try proxy(client)
        defer { proxied.stop() }
        let connection = try proxied.connect()
        connection.send("GET /big HTTP/1.1\r\nHost: h\r\n\r\n")
        let big = connection.readResponse()
        XCTAssertEqual(big?.body.count, TestUpstreamServer.bigSize)
        let block = (0..<65_536).map { UInt8(truncatingIfNeeded: $0 % 251) }
        XCTAssertTrue(big.map { Array($0.body.prefix(65_536)) == block && Array($0.body.suffix(65_536)) == block } ?? false)
        for _ in 0..<3 {
            connection.send("GET /hello HTTP/1.1\r\nHost: h\r\n\r\n")
            XCTAssertEqual(connection.readResponse()?.text, "hello")
        }
        XCTAssertEqual(server.acceptedConnections, 1, "the streamed body's connection carried the next requests")
    }

    func testSlowUpstreamIsA504FromTheLoopsTimer() throws {
        var configuration = UpstreamConfiguration()
        configuration.responseHeadTimeout = 0.3
        let client = UpstreamClient(address: unixAddress, configuration: configuration)
        let proxied = try proxy(client)
        defer { proxied.stop() }
        let connection = try proxied.connect()
        connection.send("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n")
        let response = connection.readResponse()
        XCTAssertEqual(response?.status, 504)
        XCTAssertEqual(response?.text, "upstream timed out: no response head from unix:\(server.unixPath) within 0.3 s\n")
        connection.send("GET /hello HTTP/1.1\r\nHost: h\r\n\r\n")
        XCTAssertEqual(connection.readResponse()?.text, "hello")
    }
}
