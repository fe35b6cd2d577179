import Daemon
import Glibc
import HTTP
import XCTest
@testable import Proxy

/// Requests passed to an upstream `HTTPServer` on a unix socket, through a real proxy server.
final class ProxyForwardingTests: XCTestCase {
    func testRequestIsForwardedWithXForwardedHeadersAndTheRawTarget() throws {
        let stack = try ProxyStack()
        let client = try stack.client()
        let response = try client.get("/echo/a%20b/?q=1&r=%2F", ["X-Forwarded-For": "6.6.6.6", "X-Custom": "kept"])
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("X-Upstream"), "yes")
        let lines = response.text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "GET /echo/a%20b/?q=1&r=%2F", "the target is forwarded as received")
        XCTAssertTrue(lines.contains("X-Forwarded-For: 127.0.0.1"), "a client's own X-Forwarded-For is replaced: \(lines)")
        XCTAssertTrue(lines.contains("X-Forwarded-Proto: http"), "\(lines)")
        XCTAssertTrue(lines.contains("X-Forwarded-Host: shop.example"), "\(lines)")
        XCTAssertTrue(lines.contains("Host: shop.example"), "\(lines)")
        XCTAssertTrue(lines.contains("X-Custom: kept"), "\(lines)")
        XCTAssertEqual(response.count(of: "Content-Length"), 1, "\(response.headers)")
        XCTAssertEqual(response.count(of: "Date"), 1, "the upstream's Date is replaced, not doubled: \(response.headers)")
        XCTAssertEqual(response.count(of: "Connection"), 1, "\(response.headers)")
    }

    func testShorterRequestsAfterLongOnesCarryNothingOfThem() throws {
        // The loop writes each forwarded head into the array of a finished one: nothing may remain of it.
        let stack = try ProxyStack()
        let client = try stack.client()
        let long = String(repeating: "x", count: 3000)
        for (target, custom) in [("/echo/\(long)", long), ("/echo/s", "k"), ("/echo/\(long)?q", "k"), ("/echo/t", "-"), ("/echo/u", "v")] {
            let response = try client.get(target, custom == "-" ? [:] : ["X-Custom": custom])
            XCTAssertEqual(response.status, 200, target)
            let lines = response.text.split(separator: "\n").map(String.init)
            XCTAssertEqual(lines.first, "GET \(target)")
            XCTAssertTrue(lines.contains("X-Custom: \(custom)"), "\(lines.map { $0.prefix(40) })")
        }
    }

    func testOtherMethodsAreForwardedToo() throws {
        let stack = try ProxyStack()
        let client = try stack.client()
        for method in ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"] {
            client.send("\(method) /echo/x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc")
            let response = try client.readResponse()
            XCTAssertEqual(response.status, 200, method)
            XCTAssertTrue(response.text.hasPrefix("\(method) /echo/x\n"), response.text)
        }
        client.send("HEAD /echo/x HTTP/1.1\r\nHost: h\r\n\r\n")
        let head = try client.readResponse(headRequest: true)
        XCTAssertEqual(head.status, 200)
        XCTAssertNotNil(head.header("Content-Length"))
        XCTAssertEqual(try client.get("/echo/after-head").status, 200, "no stray bytes after a forwarded HEAD")
    }

    func testChunkedUploadsAreForwardedFromMemoryAndFromTheSpoolFile() throws {
        let stack = try ProxyStack()
        // 100 KiB stays in memory; 3 MiB goes past the engine's 1 MiB threshold into a temporary file.
        for size in [100 * 1024, 3 * 1024 * 1024] {
            let client = try stack.client()
            let body = pattern(size, seed: size)
            var request = Array("POST /upload HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
            var offset = 0
            while offset < body.count {
                let end = min(offset + 50_000, body.count)
                request += Array(String(end - offset, radix: 16).utf8) + [13, 10] + body[offset..<end] + [13, 10]
                offset = end
            }
            request += Array("0\r\n\r\n".utf8)
            client.send(request)
            let response = try client.readResponse()
            XCTAssertEqual(response.status, 200, response.text)
            XCTAssertEqual(response.text, "received \(size) bytes, checksum \(checksum(body))\n")
        }
    }

    func testLargeUpstreamResponsesAreStreamedIntact() throws {
        let stack = try ProxyStack()
        let client = try stack.client()
        let known = try client.get("/large")
        XCTAssertEqual(known.status, 200)
        XCTAssertEqual(known.header("Content-Length"), String(ProxyStack.large.count), "the upstream's length is passed on")
        XCTAssertNil(known.header("Transfer-Encoding"), "a body with a length is not chunked as well")
        XCTAssertEqual(known.body.count, ProxyStack.large.count)
        XCTAssertTrue(known.body == ProxyStack.large, "the 5 MiB body arrived changed")

        let chunked = try client.get("/large-chunked")
        XCTAssertEqual(chunked.status, 200)
        XCTAssertEqual(chunked.header("Transfer-Encoding"), "chunked")
        XCTAssertTrue(chunked.body == ProxyStack.large, "the chunked 5 MiB body arrived changed")
        XCTAssertEqual(try client.get("/echo/after").status, 200, "the client connection is reusable after a streamed body")
    }

    func testUpstreamConnectionsAreKeptAliveAndReused() throws {
        let stack = try ProxyStack()
        let client = try stack.client()
        for index in 0..<20 {
            XCTAssertEqual(try client.get("/echo/\(index)").status, 200)
        }
        _ = try client.get("/large")
        _ = try client.get("/large-chunked")
        XCTAssertEqual(stack.routes.forwarder.client.idleConnectionCount, 1, "one pooled connection carried every request")
        XCTAssertEqual(stack.upstream?.server.connectionCount, 1, "the upstream saw one connection")
    }

    func testUpstreamDownIsA502WithAClearBody() throws {
        let stack = try ProxyStack(withUpstream: false)
        let client = try stack.client()
        let response = try client.get("/api/part/")
        XCTAssertEqual(response.status, 502)
        XCTAssertTrue(response.text.contains("upstream unavailable"), response.text)
        XCTAssertTrue(response.text.contains(stack.upstreamPath), "the message names the upstream: \(response.text)")
        XCTAssertEqual(try client.get("/static/site.css").status, 200, "static files do not need the upstream")
    }

    func testUpstreamFailingMidBodyClosesTheClientConnection() throws {
        // An upstream that promises 1 MiB, sends 1000 bytes and hangs up.
        let directory = try ScratchDirectory()
        let path = directory.path + "/broken.sock"
        let listener = try bindListeningSocketForTest(path)
        defer { close(listener) }
        let routes = ProxyRoutes(settings: ProxySettings(staticRoot: directory.path, upstream: .unix(path: path)))
        let proxy = try ServerOnThread(address: .tcp(host: "127.0.0.1", port: 0), router: routes.router)
        defer { proxy.stop() }
        let upstreamThread = startJoinableThread {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { return }
            var request = [UInt8](repeating: 0, count: 4096)
            _ = recv(fd, &request, request.count, 0)
            let head = "HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n"
            _ = head.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
            let part = [UInt8](repeating: 0x61, count: 1000)
            _ = part.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            usleep(100_000)
            close(fd)
        }
        defer { if let upstreamThread { pthread_join(upstreamThread, nil) } }
        let client = try HTTPTestClient(port: proxy.port)
        client.send("GET /file HTTP/1.1\r\nHost: h\r\n\r\n")
        XCTAssertThrowsError(try client.readResponse(), "a truncated body must not look complete") { error in
            XCTAssertTrue("\(error)".contains("body ended after"), "\(error)")
        }
    }

    func testClientAddressAndOriginForm() {
        XCTAssertEqual(UpstreamForwarder.clientIP("192.0.2.1:5000"), "192.0.2.1")
        XCTAssertEqual(UpstreamForwarder.clientIP("[2001:db8::1]:5000"), "2001:db8::1")
        XCTAssertEqual(UpstreamForwarder.clientIP("unix"), "unix")
        XCTAssertEqual(UpstreamForwarder.originForm(HTTPRequest(method: .GET, path: "/a", target: "http://h:80/a?b")), "/a?b")
        XCTAssertEqual(UpstreamForwarder.originForm(HTTPRequest(method: .GET, path: "/", target: "http://h?x")), "/?x")
        XCTAssertEqual(UpstreamForwarder.originForm(HTTPRequest(method: .GET, path: "/", target: "http://h")), "/")
        XCTAssertEqual(UpstreamForwarder.originForm(HTTPRequest(method: .GET, path: "/p", rawQuery: "q=1")), "/p?q=1")
    }
}

/// A unix listening socket at `path`, for a hand-written upstream.
func bindListeningSocketForTest(_ path: String) throws -> Int32 {
    try bindListeningSocket(.unix(path: path))
}
