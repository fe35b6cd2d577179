import Daemon
import Glibc
import XCTest
@testable import HTTP

/// `UpstreamClient.send(_:wholeBodyLimit:completion:)`, the non-blocking path the proxy uses,
/// against the same real test server as the blocking client.
final class UpstreamAsyncClientTests: UpstreamServerTestCase {
    /// Sends and waits for the completion (which runs on the poller thread).
    private func send(_ client: UpstreamClient, _ target: String, method: String = "GET",
                      body: UpstreamRequestBody = .none, limit: Int = 64 * 1024) -> UpstreamAsyncReply? {
        let request = UpstreamRequest(method: method, target: target, headers: [("Host", "shop.example")], body: body,
                                      clientAddress: "10.1.2.3")
        let done = DispatchSemaphoreLike()
        var result: UpstreamAsyncReply?
        client.send(request, wholeBodyLimit: limit) { reply in
            result = reply
            done.signal()
        }
        guard done.wait(seconds: 10) else { return nil }
        return result
    }

    private func text(_ reply: UpstreamAsyncReply?) -> String {
        switch reply {
        case .complete(_, let bytes): return String(decoding: bytes, as: UTF8.self)
        case .streaming(_, let body): return String(decoding: (try? body.readAll()) ?? [], as: UTF8.self)
        case .failed(let failure): return "failed: \(failure.message)"
        case nil: return "no reply"
        }
    }

    func testSmallResponsesArriveWholeOverUnixAndTCPAndConnectionsAreReused() {
        for address in [unixAddress, tcpAddress] {
            let client = UpstreamClient(address: address)
            for _ in 0..<5 { XCTAssertEqual(text(send(client, "/hello")), "hello", "\(address)") }
            XCTAssertEqual(client.idleConnectionCount, 1, "\(address)")
        }
        XCTAssertEqual(server.acceptedConnections, 2)
    }

    func testLargeChunkedAndCloseDelimitedBodiesAreStreamed() {
        let client = UpstreamClient(address: unixAddress)
        guard case .streaming(let head, _) = send(client, "/chunked") else { return XCTFail("chunked is not streamed") }
        XCTAssertEqual(head.framing, .chunked)
        XCTAssertEqual(text(send(client, "/chunked")), "Wikipedia")
        XCTAssertEqual(text(send(client, "/close")), "until close")
        let big = send(client, "/big", limit: 1024)
        guard case .streaming = big else { return XCTFail("a body over the limit is not streamed: \(String(describing: big))") }
        XCTAssertGreaterThan(text(big).utf8.count, 1024)
    }

    func testFailuresAreClear502sAnd504s() throws {
        let missing = directory.path + "/missing.sock"
        XCTAssertEqual(text(send(UpstreamClient(address: .unix(path: missing)), "/hello")),
                       "failed: upstream unavailable: connect to unix:\(missing) failed: No such file or directory")
        XCTAssertTrue(text(send(UpstreamClient(address: unixAddress), "/bad")).hasPrefix("failed: upstream sent an invalid response"))
        var configuration = UpstreamConfiguration()
        configuration.responseHeadTimeout = 0.3
        let slow = UpstreamClient(address: tcpAddress, configuration: configuration)
        let started = monotonicSeconds()
        XCTAssertEqual(text(send(slow, "/slow")), "failed: upstream timed out: no response head from \(tcpAddress) within 0.3 s")
        XCTAssertLessThan(monotonicSeconds() - started, 1.5)
        XCTAssertEqual(slow.idleConnectionCount, 0)
    }

    func testIdempotentRequestIsRetriedOnceWhenAPooledConnectionWasDropped() {
        let client = UpstreamClient(address: unixAddress)
        XCTAssertEqual(text(send(client, "/drop-second")), "answer1")
        XCTAssertEqual(text(send(client, "/drop-second")), "answer1", "answered by a fresh connection")
        XCTAssertEqual(server.acceptedConnections, 2)
        XCTAssertEqual(text(send(client, "/drop-second", method: "POST")),
                       "failed: upstream unavailable: \(unixAddress) closed the connection before responding")
    }

    func testConnectionsReturnedByOneThreadAreAllKept() throws {
        // The poller returns every connection from its one thread: the pool must keep them all, up to its limit.
        let pool = UpstreamConnectionPool(maxIdle: 64, maxIdleSeconds: 30)
        let connections = try (0..<40).map { _ in try UpstreamConnection.connect(to: unixAddress, timeout: 5) }
        for connection in connections { pool.checkin(connection, now: monotonicSeconds()) }
        XCTAssertEqual(pool.idleCount, 40)
        var reused = 0
        while pool.checkout(now: monotonicSeconds()) != nil { reused += 1 }
        XCTAssertEqual(reused, 40)
    }

    func testConcurrentRequestsReuseTheirConnections() {
        let client = UpstreamClient(address: unixAddress)
        for _ in 0..<3 {
            let done = (0..<20).map { _ in DispatchSemaphoreLike() }
            for index in 0..<20 {
                let request = UpstreamRequest(method: "GET", target: "/hello", headers: [("Host", "h")], clientAddress: "10.0.0.1")
                client.send(request, wholeBodyLimit: 1024) { _ in done[index].signal() }
            }
            XCTAssertTrue(done.allSatisfy { $0.wait(seconds: 10) })
        }
        XCTAssertLessThanOrEqual(server.acceptedConnections, 20, "connections are pooled, not made per request")
    }

    func testFileBodiesAreWrittenFromDisk() throws {
        let payload = Array(String(repeating: "0123456789", count: 30_000).utf8)
        _ = try directory.write("upload.bin", payload)
        let fd = open(directory.path + "/upload.bin", O_RDONLY | O_CLOEXEC)
        defer { close(fd) }
        let reply = send(UpstreamClient(address: unixAddress), "/echo", method: "POST",
                         body: .file(fd: fd, offset: 0, length: Int64(payload.count)), limit: 1 << 20)
        let echoed = text(reply)
        XCTAssertTrue(echoed.hasPrefix("POST /echo HTTP/1.1\r\n"), String(echoed.prefix(200)))
        XCTAssertTrue(echoed.contains("Content-Length: \(payload.count)\r\n"))
        XCTAssertTrue(echoed.hasSuffix(String(decoding: payload, as: UTF8.self)), "the 300,000-byte body arrived changed")
    }
}

/// A one-shot signal with a timeout, on a pthread mutex and condition.
final class DispatchSemaphoreLike: @unchecked Sendable {
    private let mutex = Lock()
    private var signalled = false

    func signal() {
        mutex.withLock { signalled = true }
    }

    func wait(seconds: Double) -> Bool {
        let deadline = monotonicSeconds() + seconds
        while true {
            if mutex.withLock({ signalled }) { return true }
            if monotonicSeconds() > deadline { return false }
            usleep(1000)
        }
    }
}
