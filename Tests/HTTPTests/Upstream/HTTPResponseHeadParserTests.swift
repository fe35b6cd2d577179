import XCTest
@testable import HTTP

final class HTTPResponseHeadParserTests: XCTestCase {
    /// What a whole parse produced, with body pieces joined, so splits can be compared.
    private struct Outcome: Equatable {
        var head: UpstreamResponseHead?
        var body: [UInt8] = []
        var ended = false
        var keepAlive = false
        var error: UpstreamParseError?
    }

    private func parse(_ pieces: [[UInt8]], method: String = "GET", closeAtEnd: Bool = false) -> Outcome {
        var parser = HTTPResponseHeadParser(requestMethod: method)
        var outcome = Outcome()
        func apply(_ events: [UpstreamResponseEvent]) {
            for event in events {
                switch event {
                case .head(let head):
                    XCTAssertNil(outcome.head, "two heads")
                    outcome.head = head
                case .body(let bytes):
                    XCTAssertNotNil(outcome.head, "body before head")
                    XCTAssertFalse(outcome.ended, "body after end")
                    outcome.body += bytes
                case .end:
                    XCTAssertFalse(outcome.ended, "two ends")
                    outcome.ended = true
                }
            }
        }
        do {
            for piece in pieces { apply(try parser.feed(piece)) }
            if closeAtEnd { apply(try parser.finish()) }
        } catch let error as UpstreamParseError {
            // What was delivered before the error depends on the split; the error itself must not.
            outcome = Outcome(error: error)
        } catch {
            XCTFail("unexpected error \(error)")
        }
        outcome.keepAlive = parser.keepAlive
        return outcome
    }

    /// Parses `text` whole, then split at every position and byte by byte, and checks all agree.
    @discardableResult
    private func parseEverySplit(_ text: String, method: String = "GET", closeAtEnd: Bool = false,
                                 file: StaticString = #filePath, line: UInt = #line) -> Outcome {
        let bytes = Array(text.utf8)
        let whole = parse([bytes], method: method, closeAtEnd: closeAtEnd)
        for split in 0...bytes.count {
            let pieces = [Array(bytes[..<split]), Array(bytes[split...])]
            XCTAssertEqual(parse(pieces, method: method, closeAtEnd: closeAtEnd), whole, "split at \(split)", file: file, line: line)
        }
        for stride in [2, 3, 7] {
            let pieces = Swift.stride(from: 0, to: bytes.count, by: stride).map { Array(bytes[$0..<min($0 + stride, bytes.count)]) }
            XCTAssertEqual(parse(pieces, method: method, closeAtEnd: closeAtEnd), whole, "pieces of \(stride)", file: file, line: line)
        }
        XCTAssertEqual(parse(bytes.map { [$0] }, method: method, closeAtEnd: closeAtEnd), whole, "byte by byte", file: file, line: line)
        return whole
    }

    private func assertInvalid(_ text: String, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        let outcome = parseEverySplit(text, closeAtEnd: true, file: file, line: line)
        guard let error = outcome.error else { return XCTFail("accepted: \(text.debugDescription)", file: file, line: line) }
        XCTAssertTrue(error.description.contains(fragment), "\(error)", file: file, line: line)
    }

    func testContentLengthResponse() {
        let outcome = parseEverySplit("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nX-Empty:\r\n\r\nhello")
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.head?.status, 200)
        XCTAssertEqual(outcome.head?.reason, "OK")
        XCTAssertEqual(outcome.head?.framing, .contentLength(5))
        XCTAssertEqual(outcome.head?.header("content-type"), "text/plain")
        XCTAssertEqual(outcome.head?.header("x-empty"), "")
        XCTAssertEqual(String(decoding: outcome.body, as: UTF8.self), "hello")
        XCTAssertTrue(outcome.ended)
        XCTAssertTrue(outcome.keepAlive)
    }

    func testChunkedResponseWithExtensionsAndTrailers() {
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\nhello\r\n" + "1A;name=value\r\nabcdefghijklmnopqrstuvwxyz\r\n" + "0\r\nX-Checksum: 1\r\n\r\n"
        let outcome = parseEverySplit(text)
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.head?.framing, .chunked)
        XCTAssertEqual(String(decoding: outcome.body, as: UTF8.self), "helloabcdefghijklmnopqrstuvwxyz")
        XCTAssertTrue(outcome.ended)
        XCTAssertTrue(outcome.keepAlive)
        let bare = parseEverySplit("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
        XCTAssertEqual(String(decoding: bare.body, as: UTF8.self), "abc")
        XCTAssertTrue(bare.ended)
    }

    func testCloseDelimitedResponseEndsAtClose() {
        let outcome = parseEverySplit("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end", closeAtEnd: true)
        XCTAssertEqual(outcome.head?.framing, .untilClose)
        XCTAssertEqual(String(decoding: outcome.body, as: UTF8.self), "until the end")
        XCTAssertTrue(outcome.ended)
        XCTAssertFalse(outcome.keepAlive)
        XCTAssertFalse(parse([Array("HTTP/1.1 200 OK\r\n\r\nabc".utf8)]).ended, "not before the close")
    }

    func testResponsesWithoutBody() {
        let head = parseEverySplit("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", method: "HEAD")
        XCTAssertEqual(head.head?.framing, UpstreamBodyFraming.none)
        XCTAssertTrue(head.ended)
        XCTAssertEqual(head.head?.forwardableHeaders.first?.1, "1000", "a HEAD's Content-Length describes the GET")
        for status in ["204 No Content", "304 Not Modified"] {
            let outcome = parseEverySplit("HTTP/1.1 \(status)\r\nETag: \"x\"\r\n\r\n")
            XCTAssertEqual(outcome.head?.framing, UpstreamBodyFraming.none)
            XCTAssertTrue(outcome.ended)
            XCTAssertTrue(outcome.keepAlive)
        }
        let empty = parseEverySplit("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        XCTAssertTrue(empty.ended)
        XCTAssertEqual(empty.body, [])
    }

    func testInterimResponsesAreSkippedExcept101() {
        let outcome = parseEverySplit("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
            + "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok")
        XCTAssertEqual(outcome.head?.status, 201)
        XCTAssertEqual(String(decoding: outcome.body, as: UTF8.self), "ok")
        let upgrade = parseEverySplit("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nraw")
        XCTAssertEqual(upgrade.head?.status, 101)
        XCTAssertEqual(upgrade.head?.framing, .untilClose)
        XCTAssertEqual(String(decoding: upgrade.body, as: UTF8.self), "raw")
        XCTAssertFalse(upgrade.keepAlive)
    }

    func testConnectionReuseRules() {
        XCTAssertFalse(parseEverySplit("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").keepAlive)
        XCTAssertFalse(parseEverySplit("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").keepAlive)
        XCTAssertTrue(parseEverySplit("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n").keepAlive)
        XCTAssertFalse(parse([Array("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxEXTRA".utf8)]).keepAlive,
                       "bytes after the response make the connection unusable")
    }

    func testStatusLineVariants() {
        XCTAssertEqual(parseEverySplit("HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n").head?.reason, "")
        XCTAssertEqual(parseEverySplit("HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n").head?.reason, "")
        XCTAssertEqual(parseEverySplit("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n").head?.reason,
                       "Internal Server Error")
    }

    func testRejectedResponses() {
        assertInvalid("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "both Content-Length")
        assertInvalid("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello", "repeated Content-Length")
        assertInvalid("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello", "malformed Content-Length")
        assertInvalid("HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello", "malformed Content-Length")
        assertInvalid("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", "malformed Content-Length")
        assertInvalid("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "unsupported Transfer-Encoding")
        assertInvalid("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", "unsupported Transfer-Encoding")
        assertInvalid("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", "unsupported")
        assertInvalid("HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", "bare LF")
        assertInvalid("HTTP/1.1 200 OK\r\nX: a\rb\r\nContent-Length: 0\r\n\r\n", "bare CR")
        assertInvalid("HTTP/1.1 200 OK\r\nX: a\r\n folded\r\nContent-Length: 0\r\n\r\n", "obsolete line folding")
        assertInvalid("HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n", "invalid header name")
        assertInvalid("HTTP/1.1 200 OK\r\nBad Name: 0\r\n\r\n", "invalid header name")
        assertInvalid("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", "without a colon")
        assertInvalid("HTTP/1.1 200 OK\r\nX: a\u{1}b\r\n\r\n", "invalid character in the value of X")
        assertInvalid("HTTP/2.0 200 OK\r\n\r\n", "malformed status line")
        assertInvalid("HTTP/1.2 200 OK\r\n\r\n", "unsupported version")
        assertInvalid("HTTP/1.1 20 OK\r\n\r\n", "malformed status code")
        assertInvalid("HTTP/1.1 999 Odd\r\n\r\n", "out of range")
        assertInvalid("HTTP/1.1 200OK\r\n\r\n", "malformed status line")
        assertInvalid("ICY 200 OK\r\n\r\n", "malformed status line")
        assertInvalid("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "not hexadecimal")
        assertInvalid("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\n", "junk after chunk size")
        assertInvalid("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n", "not followed by CRLF")
        assertInvalid("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n", "chunk size too large")
        assertInvalid("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc", "bare LF")
    }

    func testTruncationIsReported() {
        XCTAssertEqual(parse([], closeAtEnd: true).error, .closedBeforeResponse)
        XCTAssertEqual(parse([Array("HTTP/1.1 200".utf8)], closeAtEnd: true).error, .truncated("inside the response head"))
        XCTAssertEqual(parse([Array("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc".utf8)], closeAtEnd: true).error,
                       .truncated("inside the response body"))
        XCTAssertEqual(parse([Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n".utf8)], closeAtEnd: true).error,
                       .truncated("inside the response body"))
    }

    func testLimits() {
        var limits = HTTPResponseHeadParser.Limits()
        limits.maxHeadBytes = 64
        var parser = HTTPResponseHeadParser(requestMethod: "GET", limits: limits)
        XCTAssertThrowsError(try parser.feed(Array(("HTTP/1.1 200 OK\r\nX: " + String(repeating: "a", count: 100)).utf8))) {
            XCTAssertEqual($0 as? UpstreamParseError, .tooLarge("head longer than 64 bytes"))
        }
        limits = HTTPResponseHeadParser.Limits()
        limits.maxHeaderCount = 2
        parser = HTTPResponseHeadParser(requestMethod: "GET", limits: limits)
        XCTAssertThrowsError(try parser.feed(Array("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n".utf8)))
    }

    func testHopByHopFieldsAreNotForwarded() {
        let head = parseEverySplit("HTTP/1.1 200 OK\r\nConnection: close, X-Secret\r\nKeep-Alive: timeout=5\r\n"
            + "Transfer-Encoding: chunked\r\nTrailer: X-Sum\r\nUpgrade: h2c\r\nProxy-Authenticate: Basic\r\nX-Secret: 1\r\n"
            + "Content-Type: text/html\r\nSet-Cookie: a=1\r\n\r\n0\r\n\r\n").head
        XCTAssertEqual(head?.forwardableHeaders.map(\.0), ["Content-Type", "Set-Cookie"])
    }
}
