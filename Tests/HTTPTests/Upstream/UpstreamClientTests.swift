import CShim
import Daemon
import Foundation
import Glibc
import Synchronization
import XCTest
@testable import HTTP

final class UpstreamClientTests: UpstreamServerTestCase {
    private struct Received {
        var outcome: UpstreamOutcome
        var head: UpstreamResponseHead?
        var body: [UInt8] = []
        var pieces = 0
        var largestPiece = 0
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    private func send(_ client: UpstreamClient, _ target: String, headers: [(String, String)] = [("Host", "shop.example")],
                      body: UpstreamRequestBody = .none, stopAfter: Int = .max) -> Received {
        send(client, "GET", target, headers: headers, body: body, stopAfter: stopAfter)
    }

    private func send(_ client: UpstreamClient, _ method: String, _ target: String,
                      headers: [(String, String)] = [("Host", "shop.example")], body: UpstreamRequestBody = .none,
                      stopAfter: Int = .max) -> Received {
        var received = Received(outcome: .failed(UpstreamFailure(kind: .unavailable, message: "not run")))
        let request = UpstreamRequest(method: method, target: target, headers: headers, body: body,
                                      clientAddress: "10.1.2.3", scheme: "https")
        received.outcome = client.forward(request, onHead: { received.head = $0 }, onBody: { bytes in
            received.body += bytes
            received.pieces += 1
            received.largestPiece = max(received.largestPiece, bytes.count)
            return received.pieces < stopAfter
        })
        return received
    }

    func testForwardsOverUnixSocketAndTCP() {
        for address in [unixAddress, tcpAddress] {
            let received = send(UpstreamClient(address: address), "/hello")
            XCTAssertEqual(received.head?.status, 200, "\(address)")
            XCTAssertEqual(received.text, "hello")
            guard case .completed(let head) = received.outcome else { return XCTFail("\(received.outcome)") }
            XCTAssertEqual(head.header("content-type"), "text/plain")
        }
    }

    func testKeepAliveConnectionsAreReused() {
        let client = UpstreamClient(address: unixAddress)
        for _ in 0..<5 { XCTAssertEqual(send(client, "/hello").text, "hello") }
        XCTAssertEqual(send(client, "HEAD", "/hello").body, [])
        XCTAssertEqual(server.acceptedConnections, 1)
        XCTAssertEqual(client.idleConnectionCount, 1)
    }

    func testChunkedAndCloseDelimitedResponses() {
        let client = UpstreamClient(address: tcpAddress)
        let chunked = send(client, "/chunked")
        XCTAssertEqual(chunked.text, "Wikipedia")
        XCTAssertEqual(chunked.head?.framing, .chunked)
        XCTAssertFalse(chunked.head?.forwardableHeaders.contains { $0.0 == "Transfer-Encoding" } ?? true)
        XCTAssertEqual(client.idleConnectionCount, 1)
        let closing = send(client, "/close")
        XCTAssertEqual(closing.text, "until close")
        XCTAssertEqual(closing.head?.framing, .untilClose)
        XCTAssertEqual(client.idleConnectionCount, 0, "a close-delimited response uses up its connection")
        XCTAssertEqual(send(client, "/hello").text, "hello")
        XCTAssertEqual(server.acceptedConnections, 2)
    }

    func testConnectionClosedWhileIdleIsNotReused() {
        let client = UpstreamClient(address: unixAddress)
        XCTAssertEqual(send(client, "/hangup-after").text, "ok")
        XCTAssertEqual(client.idleConnectionCount, 1)
        usleep(200_000)
        // POST is never retried, so this succeeds only if the dead connection was noticed before use.
        let received = send(client, "POST", "/hello", body: .bytes(Array("x".utf8)))
        XCTAssertEqual(received.text, "hello", "\(received.outcome)")
        XCTAssertEqual(server.acceptedConnections, 2)
    }

    func testIdempotentRequestIsRetriedOnceWhenAReusedConnectionFails() {
        let client = UpstreamClient(address: unixAddress)
        XCTAssertEqual(send(client, "/drop-second").text, "answer1")
        XCTAssertEqual(send(client, "/drop-second").text, "answer1", "answered by a fresh connection")
        XCTAssertEqual(server.acceptedConnections, 2)
        let post = send(client, "POST", "/drop-second")
        guard case .failed(let failure) = post.outcome else { return XCTFail("\(post.outcome)") }
        XCTAssertEqual(failure.status, 502)
        XCTAssertEqual(failure.message, "upstream unavailable: \(unixAddress) closed the connection before responding")
    }

    func testUpstreamDownIsAQuick502WithAClearBody() throws {
        let missing = directory.path + "/missing.sock"
        let started = monotonicSeconds()
        let received = send(UpstreamClient(address: .unix(path: missing)), "/hello")
        XCTAssertLessThan(monotonicSeconds() - started, 1)
        guard case .failed(let failure) = received.outcome else { return XCTFail("\(received.outcome)") }
        XCTAssertEqual(failure.status, 502)
        XCTAssertEqual(String(decoding: failure.body, as: UTF8.self),
                       "upstream unavailable: connect to unix:\(missing) failed: No such file or directory\n")
        XCTAssertEqual(failure.headers.first { $0.0 == "Content-Length" }?.1, String(failure.body.count))
        XCTAssertNil(received.head)

        let closedPort = try unusedPort()
        let refused = send(UpstreamClient(address: .tcp(host: "127.0.0.1", port: closedPort)), "/hello")
        guard case .failed(let tcpFailure) = refused.outcome else { return XCTFail("\(refused.outcome)") }
        XCTAssertEqual(tcpFailure.message, "upstream unavailable: connect to 127.0.0.1:\(closedPort) failed: Connection refused")
    }

    func testSlowUpstreamIsA504() {
        var configuration = UpstreamConfiguration()
        configuration.responseHeadTimeout = 0.3
        let client = UpstreamClient(address: tcpAddress, configuration: configuration)
        let started = monotonicSeconds()
        let received = send(client, "/slow")
        let elapsed = monotonicSeconds() - started
        XCTAssertGreaterThanOrEqual(elapsed, 0.3)
        XCTAssertLessThan(elapsed, 1.2)
        guard case .failed(let failure) = received.outcome else { return XCTFail("\(received.outcome)") }
        XCTAssertEqual(failure.status, 504)
        XCTAssertEqual(failure.message, "upstream timed out: no response head from \(tcpAddress) within 0.3 s")
        XCTAssertEqual(client.idleConnectionCount, 0, "a timed-out connection is not reused")
    }

    func testStalledBodyIsCutAfterTheIdleTimeout() {
        var configuration = UpstreamConfiguration()
        configuration.idleTimeout = 0.3
        let client = UpstreamClient(address: unixAddress, configuration: configuration)
        let received = send(client, "/stall-body")
        guard case .failedAfterHead(let failure) = received.outcome else { return XCTFail("\(received.outcome)") }
        XCTAssertEqual(failure.kind, .timedOut)
        XCTAssertEqual(failure.message, "upstream timed out: the response body from \(unixAddress) stalled for 0.3 s")
        XCTAssertEqual(received.text, "abc")
        XCTAssertEqual(client.idleConnectionCount, 0)
    }

    func testConnectTimeoutIsA504() throws {
        let blackhole = try FullBacklogListener()
        defer { blackhole.close() }
        var configuration = UpstreamConfiguration()
        configuration.connectTimeout = 0.3
        let address = UpstreamAddress.tcp(host: "127.0.0.1", port: blackhole.port)
        let started = monotonicSeconds()
        let received = send(UpstreamClient(address: address, configuration: configuration), "/hello")
        XCTAssertLessThan(monotonicSeconds() - started, 1.5)
        guard case .failed(let failure) = received.outcome else { return XCTFail("\(received.outcome)") }
        XCTAssertEqual(failure.status, 504)
        XCTAssertEqual(failure.message, "upstream timed out: connect to \(address) took longer than 0.3 s")
    }

    func testRequestHeadersAreRewrittenForTheUpstream() throws {
        let incoming: [(String, String)] = [
            ("Host", "shop.example:8000"), ("Connection", "keep-alive, X-Drop"), ("X-Drop", "1"), ("Keep-Alive", "300"),
            ("TE", "trailers"), ("Upgrade", "websocket"), ("Proxy-Authorization", "Basic eA=="), ("Proxy-Connection", "x"),
            ("X-Forwarded-For", "6.6.6.6"), ("X-Forwarded-Proto", "gopher"), ("X-Forwarded-Host", "evil"),
            ("Content-Length", "999"), ("Accept", "application/json"), ("Cookie", "sessionid=abc"),
        ]
        let received = send(UpstreamClient(address: unixAddress), "POST", "/echo?x=1", headers: incoming,
                            body: .bytes(Array("payload".utf8)))
        XCTAssertEqual(received.text, "POST /echo?x=1 HTTP/1.1\r\nHost: shop.example:8000\r\nAccept: application/json\r\n"
            + "Cookie: sessionid=abc\r\nX-Forwarded-For: 10.1.2.3\r\nX-Forwarded-Proto: https\r\n"
            + "X-Forwarded-Host: shop.example:8000\r\nContent-Length: 7\r\n\r\npayload", "\(received.outcome)")

        var trusting = UpstreamConfiguration()
        trusting.trustIncomingForwardedFor = true
        let chained = send(UpstreamClient(address: unixAddress, configuration: trusting), "/echo",
                           headers: [("X-Forwarded-For", "6.6.6.6, 7.7.7.7")])
        XCTAssertTrue(chained.text.contains("\r\nX-Forwarded-For: 6.6.6.6, 7.7.7.7, 10.1.2.3\r\n"), chained.text)
        XCTAssertTrue(chained.text.contains("\r\nHost: localhost\r\n"), chained.text)
        XCTAssertFalse(chained.text.contains("Content-Length"), "a GET without body has no Content-Length")
    }

    func testResponseHopByHopFieldsAreNotForwarded() {
        let received = send(UpstreamClient(address: unixAddress), "/hop")
        XCTAssertEqual(received.head?.forwardableHeaders.map(\.0), ["X-Public", "Content-Length"])
    }

    func testFileRequestBodyIsStreamedFromDisk() throws {
        let payload = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 % 253) }
        let path = try directory.write("upload.bin", [0, 0, 0] + payload)
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        let received = send(UpstreamClient(address: tcpAddress), "PUT", "/echo",
                            body: .file(fd: fd, offset: 3, length: Int64(payload.count)))
        XCTAssertEqual(Array(received.body.suffix(payload.count)), payload)
        XCTAssertTrue(received.text.contains("Content-Length: 300000\r\n"))
    }

    func testLargeResponseIsStreamedInPieces() {
        let client = UpstreamClient(address: unixAddress)
        let received = send(client, "/big")
        XCTAssertEqual(received.body.count, TestUpstreamServer.bigSize)
        XCTAssertGreaterThan(received.pieces, 40, "delivered as it arrives, not held whole")
        XCTAssertLessThanOrEqual(received.largestPiece, 64 * 1024)
        XCTAssertTrue(received.body.enumerated().allSatisfy { $0.element == UInt8(truncatingIfNeeded: ($0.offset % 65_536) % 251) })
        XCTAssertEqual(client.idleConnectionCount, 1)
    }

    func testStoppingMidBodyAbortsAndDropsTheConnection() {
        let client = UpstreamClient(address: unixAddress)
        let received = send(client, "/big", stopAfter: 3)
        guard case .failedAfterHead(let failure) = received.outcome else { return XCTFail("\(received.outcome)") }
        XCTAssertEqual(failure.kind, .cancelled)
        XCTAssertEqual(client.idleConnectionCount, 0)
    }

    func testInvalidUpstreamResponseIsA502() {
        let received = send(UpstreamClient(address: unixAddress), "/bad")
        guard case .failed(let failure) = received.outcome else { return XCTFail("\(received.outcome)") }
        XCTAssertEqual(failure.status, 502)
        XCTAssertEqual(failure.message, "upstream sent an invalid response: invalid response: repeated Content-Length")
    }

    func testRequestThatWouldSplitIsRefused() {
        let received = send(UpstreamClient(address: unixAddress), "/hello", headers: [("X-Evil", "a\r\nX-Injected: 1")])
        guard case .failed(let failure) = received.outcome else { return XCTFail("\(received.outcome)") }
        XCTAssertEqual(failure.status, 400)
        XCTAssertEqual(server.acceptedConnections, 0)
    }

    func testConcurrentRequestsShareThePool() {
        let client = UpstreamClient(address: tcpAddress)
        let failures = ConcurrentFailureCounter()
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            for _ in 0..<25 {
                var body: [UInt8] = []
                let request = UpstreamRequest(method: "GET", target: "/hello", headers: [], clientAddress: "10.0.0.1")
                let outcome = client.forward(request, onHead: { _ in }, onBody: { body += $0; return true })
                if case .completed = outcome, body == Array("hello".utf8) { continue }
                failures.increment()
            }
        }
        XCTAssertEqual(failures.value, 0)
        XCTAssertLessThanOrEqual(server.acceptedConnections, 6)
    }

    func testAddressParsing() throws {
        XCTAssertEqual(try UpstreamAddress(parsing: "unix:/run/stockroom/web.sock"), .unix(path: "/run/stockroom/web.sock"))
        XCTAssertEqual(try UpstreamAddress(parsing: "127.0.0.1:8001"), .tcp(host: "127.0.0.1", port: 8001))
        XCTAssertEqual(try UpstreamAddress(parsing: "[::1]:80"), .tcp(host: "::1", port: 80))
        XCTAssertEqual(UpstreamAddress.tcp(host: "::1", port: 80).description, "[::1]:80")
        XCTAssertThrowsError(try UpstreamAddress(parsing: "unix:relative.sock"))
        XCTAssertThrowsError(try UpstreamAddress(parsing: "localhost"))
        XCTAssertThrowsError(try UpstreamAddress(parsing: "localhost:0"))
        XCTAssertThrowsError(try UpstreamAddress(parsing: ":80"))
    }

    private func unusedPort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(fd, pointer, length) == 0 else { return -1 }
                return getsockname(fd, pointer, &length)
            }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        return UInt16(bigEndian: address.sin_port)
    }
}

/// A TCP listener with backlog 0 whose queue is filled, so that a further connect hangs (the
/// kernel drops the SYN), as with an upstream that does not answer.
private final class FullBacklogListener {
    let port: UInt16
    private var fds: [Int32] = []

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
                bind(listener, pointer, length) == 0 && listen(listener, 0) == 0 && getsockname(listener, pointer, &length) == 0
            }
        }
        fds.append(listener)
        guard ok else { throw POSIXError(.EADDRINUSE) }
        port = UInt16(bigEndian: address.sin_port)
        for _ in 0..<4 {
            let filler = shim_socket(AF_INET, Int32(SOCK_STREAM.rawValue), 1)
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = connect(filler, $0, length) }
            }
            fds.append(filler)
        }
        usleep(100_000)
    }

    func close() { for fd in fds { Glibc.close(fd) } }
}
