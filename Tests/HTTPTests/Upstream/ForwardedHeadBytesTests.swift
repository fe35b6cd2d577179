import XCTest
@testable import HTTP

/// The forwarded request head built from the bytes the server received, and the upstream's response
/// fields passed on as bytes: as strict as the string-built head, byte for byte the same.
final class ForwardedHeadBytesTests: XCTestCase {
    /// The fields of `head` (the request line and fields, without the blank line) as the strict parser reads them.
    private func received(_ head: String) throws -> HTTPHeaders {
        var parser = HTTPRequestParser()
        for event in parser.feed(Array((head + "\r\n").utf8)) {
            if case .head(let parsed) = event { return parsed.headers }
            if case .error(let error) = event { throw error }
        }
        throw IncompleteHead()
    }

    private struct IncompleteHead: Error {}

    private func written(_ writer: UpstreamRequestWriter) -> String {
        var writer = writer
        var bytes: [UInt8] = []
        while let segment = writer.next {
            guard case .bytes(let slice) = segment else { break }
            bytes += slice
            writer.wrote(slice.count)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func fromBytes(_ fields: HTTPHeaders, method: String = "GET", body: UpstreamRequestBody = .none,
                           trust: Bool = false) throws -> String {
        written(try UpstreamRequestWriter(method: method, target: "/api/x/?a=1", forwarding: fields, clientAddress: "192.0.2.7",
                                          scheme: "http", trustIncomingForwardedFor: trust, body: body))
    }

    private func fromStrings(_ fields: HTTPHeaders, method: String = "GET", body: UpstreamRequestBody = .none,
                             trust: Bool = false) throws -> String {
        let headers = ForwardedHeaders.forRequest(fields.map { ($0.name, $0.value) }, clientAddress: "192.0.2.7", scheme: "http",
                                                  trustIncomingForwardedFor: trust)
        return written(try UpstreamRequestWriter(method: method, target: "/api/x/?a=1", headers: headers, body: body))
    }

    func testHopByHopFieldsAreDroppedAndForwardingFieldsAppended() throws {
        let fields = try received("""
            POST /api/x/?a=1 HTTP/1.1\r
            Host: shop.example\r
            Connection: keep-alive, X-Secret\r
            Keep-Alive: timeout=5\r
            X-Secret: dropped, named in Connection\r
            TE: trailers\r
            Upgrade: h2c\r
            Proxy-Authorization: Basic Zm9vOmJhcg==\r
            Expect: 100-continue\r
            Content-Length: 3\r
            X-Forwarded-For: 6.6.6.6\r
            X-Forwarded-Proto: https\r
            X-Forwarded-Host: evil.example\r
            Accept: */*\r
            Cookie: a=1; b=2\r

            """)
        let head = try fromBytes(fields, method: "POST", body: .bytes(Array("abc".utf8)))
        XCTAssertEqual(head, """
            POST /api/x/?a=1 HTTP/1.1\r
            Host: shop.example\r
            Accept: */*\r
            Cookie: a=1; b=2\r
            X-Forwarded-For: 192.0.2.7\r
            X-Forwarded-Proto: http\r
            X-Forwarded-Host: shop.example\r
            Content-Length: 3\r
            \r
            abc
            """)
        XCTAssertEqual(head, try fromStrings(fields, method: "POST", body: .bytes(Array("abc".utf8))))
    }

    func testTrustedForwardedForChainsAndAMissingHostBecomesLocalhost() throws {
        let fields = try received("GET /api/x/?a=1 HTTP/1.0\r\nX-Forwarded-For: 1.1.1.1\r\nx-forwarded-for: 2.2.2.2, 3.3.3.3\r\nAccept: text/html\r\n")
        let trusted = try fromBytes(fields, trust: true)
        XCTAssertEqual(trusted, "GET /api/x/?a=1 HTTP/1.1\r\nHost: localhost\r\nAccept: text/html\r\n"
            + "X-Forwarded-For: 1.1.1.1, 2.2.2.2, 3.3.3.3, 192.0.2.7\r\nX-Forwarded-Proto: http\r\n\r\n")
        XCTAssertEqual(trusted, try fromStrings(fields, trust: true))
        XCTAssertEqual(try fromBytes(fields), try fromStrings(fields))
    }

    func testBodiesAreFramedAsFromStrings() throws {
        let fields = try received("POST /api/x/?a=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 1234\r\n")
        let body = (0..<1234).map { UInt8(truncatingIfNeeded: 0x41 + $0 % 26) }
        let withBody = try fromBytes(fields, method: "POST", body: .bytes(body))
        XCTAssertTrue(withBody.hasSuffix("Content-Length: 1234\r\n\r\n" + String(decoding: body, as: UTF8.self)), withBody)
        XCTAssertEqual(withBody, try fromStrings(fields, method: "POST", body: .bytes(body)))
        let empty = try fromBytes(fields, method: "POST")
        XCTAssertTrue(empty.hasSuffix("X-Forwarded-Host: h\r\nContent-Length: 0\r\n\r\n"), empty)
        XCTAssertEqual(empty, try fromStrings(fields, method: "POST"))
        XCTAssertEqual(try fromBytes(fields, method: "DELETE"), try fromStrings(fields, method: "DELETE"))
        XCTAssertFalse(try fromBytes(fields, method: "DELETE").contains("Content-Length"), "a bodiless DELETE states no length")

        var writer = try UpstreamRequestWriter(method: "PUT", target: "/f", forwarding: fields, clientAddress: "192.0.2.7", scheme: "https",
                                               trustIncomingForwardedFor: false, body: .file(fd: 7, offset: 10, length: 65_536))
        guard case .bytes(let head) = writer.next else { return XCTFail("no head first") }
        XCTAssertTrue(String(decoding: head, as: UTF8.self).hasSuffix("X-Forwarded-Proto: https\r\nX-Forwarded-Host: h\r\nContent-Length: 65536\r\n\r\n"))
        writer.wrote(head.count)
        XCTAssertEqual(writer.next, .file(fd: 7, offset: 10, length: 65_536))
    }

    func testNamesOnlyAlikeInLengthOrPrefixArePassedOn() throws {
        // Each has the length of a name that is dropped (or starts like one) without being it.
        let fields = try received("GET /api/x/?a=1 HTTP/1.1\r\nHost: h\r\nTf: 1\r\nExpert: 2\r\nTrailed: 3\r\nConnecting: 4\r\n"
            + "Content-Lengthy: 5\r\nX-Forwarded-Fox: 6\r\nProxyX: 7\r\nConnection: close\r\nProxy-X: 8\r\n")
        let head = try fromBytes(fields)
        XCTAssertEqual(head, "GET /api/x/?a=1 HTTP/1.1\r\nHost: h\r\nTf: 1\r\nExpert: 2\r\nTrailed: 3\r\nConnecting: 4\r\n"
            + "Content-Lengthy: 5\r\nX-Forwarded-Fox: 6\r\nProxyX: 7\r\n"
            + "X-Forwarded-For: 192.0.2.7\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Host: h\r\n\r\n")
        XCTAssertEqual(head, try fromStrings(fields))
    }

    func testResponseFieldsAlikeInLengthToDroppedOnesReachTheClient() throws {
        var parser = HTTPResponseHeadParser(requestMethod: "GET")
        let long = String(repeating: "v", count: 40)
        let events = try parser.feed(Array(("HTTP/1.1 200 OK\r\nDato: 1\r\nProxy-A: 2\r\nProxy-Conn: 3\r\nTrailers: 4\r\n"
            + "Connection: close\r\nClose: 5\r\nX-Long: \(long)\t\(long) \u{E9}\r\nContent-Length: 0\r\n\r\n").utf8))
        guard case .head(let head) = events.first else { return XCTFail("no head: \(events)") }
        XCTAssertEqual(head.clientHeaders.map(\.name), ["Dato", "Trailers", "X-Long", "Content-Length"],
                       "Proxy-* and fields named by Connection (close too) are not the client's")
        XCTAssertEqual(head.header("x-long"), "\(long)\t\(long) \u{E9}")
        XCTAssertEqual(head.headers.map(\.0), ["Dato", "Proxy-A", "Proxy-Conn", "Trailers", "Connection", "Close", "X-Long", "Content-Length"])
        XCTAssertFalse(parser.keepAlive)
    }

    func testAControlByteDeepInALongValueIsRefused() {
        let long = String(repeating: "v", count: 21)
        for byte in ["\u{7F}", "\u{1}", "\u{0}", "\n"] {
            var parser = HTTPResponseHeadParser(requestMethod: "GET")
            XCTAssertThrowsError(try parser.feed(Array("HTTP/1.1 200 OK\r\nX-Long: \(long)\(byte)\(long)\r\nContent-Length: 0\r\n\r\n".utf8)),
                                 byte.debugDescription)
        }
    }

    func testFieldsAddedByAHandlerKeepTheirSanitisedBytes() throws {
        var fields = HTTPHeaders()
        fields.add(name: "Host", value: "h")
        fields.add(name: "X-Note", value: "a\r\nInjected: yes")
        let head = try fromBytes(fields)
        XCTAssertTrue(head.contains("X-Note: a  Injected: yes\r\n"), head)
        XCTAssertFalse(head.contains("\r\nInjected"), head)
    }

    func testAnInvalidClientAddressOrTargetIsRefused() throws {
        let fields = try received("GET / HTTP/1.1\r\nHost: h\r\n")
        XCTAssertThrowsError(try UpstreamRequestWriter(method: "GET", target: "/", forwarding: fields, clientAddress: "1.2.3.4\r\nX: y",
                                                       scheme: "http", trustIncomingForwardedFor: false, body: .none))
        XCTAssertThrowsError(try UpstreamRequestWriter(method: "GET", target: "/a b", forwarding: fields, clientAddress: "1.2.3.4",
                                                       scheme: "http", trustIncomingForwardedFor: false, body: .none))
    }

    func testResponseFieldsForTheClientAreTheReceivedBytesWithoutHopByHopOrDate() throws {
        var parser = HTTPResponseHeadParser(requestMethod: "GET")
        let events = try parser.feed(Array(("HTTP/1.1 200 OK\r\nServer: up\r\nDate: Tue, 24 Nov 2026 10:00:00 GMT\r\n"
            + "Connection: keep-alive, X-Hop\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\nContent-Type: application/json\r\n"
            + "Proxy-Foo: bar\r\nContent-Length: 2\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n{}").utf8))
        guard case .head(let head) = events.first else { return XCTFail("no head: \(events)") }
        XCTAssertEqual(head.framing, .contentLength(2))
        XCTAssertEqual(head.header("content-type"), "application/json")
        XCTAssertEqual(head.headers.count, 10)
        let client = head.clientHeaders
        XCTAssertEqual(client.map { "\($0.name): \($0.value)" },
                       ["Server: up", "Content-Type: application/json", "Content-Length: 2", "Set-Cookie: a=1", "Set-Cookie: b=2"])
        XCTAssertEqual(head.forwardableHeaders.map(\.0), ["Server", "Date", "Content-Type", "Content-Length", "Set-Cookie", "Set-Cookie"])
        var out: [UInt8] = []
        HTTPResponseHead.write(HTTPResponse(status: head.status, headers: client, body: .bytes(Array("{}".utf8))), version: .http1_1,
                               keepAlive: true, date: Array("D".utf8), into: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "HTTP/1.1 200 OK\r\nDate: D\r\nContent-Length: 2\r\nConnection: keep-alive\r\n"
            + "Server: up\r\nContent-Type: application/json\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n")
    }

    func testMalformedResponseFieldsAreStillRefused() {
        for head in ["HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
                     "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n",
                     "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
                     "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
                     "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
                     "HTTP/1.1 200 OK\r\nX: a\u{7F}b\r\n\r\n",
                     "HTTP/1.1 200 OK\r\n folded: x\r\n\r\n"] {
            var parser = HTTPResponseHeadParser(requestMethod: "GET")
            XCTAssertThrowsError(try parser.feed(Array(head.utf8)), head.debugDescription)
        }
    }
}
