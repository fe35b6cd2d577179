import XCTest
@testable import HTTP

/// The parser reads runs of bytes eight at a time and stops at size limits without a test per byte:
/// these requests put the byte that matters at every offset within and around such runs and limits.
/// (`parse` also feeds each request byte by byte and split in two, which must give the same outcome.)
final class HTTPRequestParserBoundaryTests: XCTestCase {
    func testRequestLineExactlyAtTheLimitIsAccepted() {
        var limits = HTTPParserLimits()
        limits.maxRequestLineBytes = 40
        let line = "GET /" + String(repeating: "a", count: 40 - "GET / HTTP/1.1\r\n".utf8.count) + " HTTP/1.1\r\n"
        XCTAssertEqual(line.utf8.count, 40)
        XCTAssertNil(parse(line + "Host: h\r\n\r\n", limits: limits).error)
        let longer = "GET /a" + line.dropFirst(5)
        let outcome = parse(longer + "Host: h\r\n\r\n", limits: limits)
        XCTAssertEqual(outcome.error?.kind, .requestLineTooLong)
        XCTAssertEqual(outcome.error?.offset, 40)
    }

    func testHeaderSectionExactlyAtTheLimitIsAccepted() {
        var limits = HTTPParserLimits()
        limits.maxHeaderBytes = 50
        let fields = "Host: h\r\nX-A: " + String(repeating: "v", count: 50 - "Host: h\r\nX-A: \r\n\r\n".utf8.count) + "\r\n\r\n"
        XCTAssertEqual(fields.utf8.count, 50)
        XCTAssertNil(parse("GET / HTTP/1.1\r\n" + fields, limits: limits).error)
        let outcome = parse("GET / HTTP/1.1\r\nX" + fields, limits: limits)
        XCTAssertEqual(outcome.error?.kind, .headerSectionTooLarge)
        XCTAssertEqual(outcome.error?.offset, "GET / HTTP/1.1\r\n".utf8.count + 50)
    }

    func testEveryByteOfALongTargetIsChecked() {
        for bad: UInt8 in [0x23, 0x7F, 0x80, 0xFF, 0x00, 0x1F] {
            for position in 1...20 {
                var target = Array(String(repeating: "/abcdefgh", count: 3).utf8)
                target[position] = bad
                let request = Array("GET ".utf8) + target + Array(" HTTP/1.1\r\nHost: h\r\n\r\n".utf8)
                let outcome = parse(bytes: request)
                XCTAssertEqual(outcome.error?.kind, .invalidTargetCharacter, "byte \(bad) at \(position)")
                XCTAssertEqual(outcome.error?.offset, 4 + position, "byte \(bad) at \(position)")
            }
        }
    }

    func testLongTargetsAreKeptWhole() {
        let target = "/static/" + String(repeating: "abcdefg/", count: 5) + "file.txt?x=%20&y=" + String(repeating: "z", count: 9)
        let outcome = parse("GET \(target) HTTP/1.1\r\nHost: h\r\n\r\n")
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.messages.first?.target, target)
    }

    func testEveryByteOfALongFieldValueIsChecked() {
        for bad: UInt8 in [0x00, 0x01, 0x0B, 0x1F, 0x7F] {
            for position in 0...20 {
                var value = Array(String(repeating: "abcdefg ", count: 3).utf8)
                value[position] = bad
                let prefix = Array("GET / HTTP/1.1\r\nHost: h\r\nX-A: x".utf8)
                let outcome = parse(bytes: prefix + value + Array("\r\n\r\n".utf8))
                XCTAssertEqual(outcome.error?.kind, .invalidHeaderValueCharacter, "byte \(bad) at \(position)")
                XCTAssertEqual(outcome.error?.offset, prefix.count + position, "byte \(bad) at \(position)")
            }
        }
    }

    func testLongFieldValuesKeepTabsAndObsTextAndLoseTrailingWhitespace() {
        let value = Array("a\tb c".utf8) + [0xC3, 0xA9] + Array(String(repeating: "0123456789", count: 3).utf8) + [0x09]
        let request = Array("GET / HTTP/1.1\r\nHost: h\r\nX-A: \t ".utf8) + value + Array("\t  \t \r\n\r\n".utf8)
        var parser = HTTPRequestParser()
        guard case .head(let head) = parser.feed(request).first else { return XCTFail("no head") }
        let kept = head.headers.withValueBytes("x-a") { Array($0) }
        XCTAssertEqual(kept, Array(value.dropLast()))
        XCTAssertNil(parse(bytes: request).error)
    }

    func testUsualVersionsAndNearMissesGiveTheSameOutcomesAsByteByByte() {
        XCTAssertEqual(parse("GET / HTTP/1.0\r\n\r\n").messages.first?.version, .http1_0)
        XCTAssertEqual(parse("GET / HTTP/1.1\r\nHost: h\r\n\r\n").messages.first?.version, .http1_1)
        assertRefused("GET / HTTP/1.2\r\nHost: h\r\n\r\n", .unsupportedVersion, status: 505)
        assertRefused("GET / HTTP/1.1 \r\nHost: h\r\n\r\n", .invalidRequestLineSeparator, status: 400)
        assertRefused("GET / HTTP/1.1\nHost: h\r\n\r\n", .bareLF, status: 400)
        assertRefused("GET / HTTQ/1.1\r\nHost: h\r\n\r\n", .invalidVersion, status: 400)
    }

    func testMethodsKeepTheirNames() {
        for method in ["GET", "PUT", "HEAD", "POST", "PATCH", "DELETE", "PROPFIND", "get", "Post"] {
            XCTAssertEqual(parse("\(method) / HTTP/1.1\r\nHost: h\r\n\r\n").messages.first?.method, method)
        }
        var parser = HTTPRequestParser()
        guard case .head(let head) = parser.feed(Array("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n".utf8)).first else {
            return XCTFail("no head")
        }
        XCTAssertEqual(head.method, .OPTIONS)
    }

    func testFieldChecksReadFieldsThatBeganInAnEarlierCall() {
        // Split just inside each framing field: its name and value are read from what the parser stored.
        let request = Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc".utf8)
        for cut in 1..<request.count {
            let outcome = parseOutcome(request, pieces: [0..<cut, cut..<request.count])
            XCTAssertEqual(outcome.error?.kind, .duplicateContentLength, "cut at \(cut)")
        }
    }

    func testARefusedTrailerConsumesNothing() {
        let request = Array("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX : y\r\n\r\n".utf8)
        var parser = HTTPRequestParser()
        request.withUnsafeBytes { raw in
            var offset = 0
            for _ in 0..<10 {
                let step = parser.parse(UnsafeRawBufferPointer(rebasing: raw[offset...]))
                if case .error(let error) = step.event {
                    XCTAssertEqual(error.kind, .spaceBeforeColon)
                    XCTAssertEqual(step.consumed, 0)
                    return
                }
                if case .needMore = step.event { return XCTFail("not refused") }
                offset += step.consumed
            }
            XCTFail("no refusal after ten steps")
        }
    }
}
