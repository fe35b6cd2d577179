import XCTest
@testable import HTTP

final class HTTPRequestParserTests: XCTestCase {
    // MARK: Accepted requests

    func testSimpleGetIsParsed() {
        let outcome = parse("GET /api/part/?limit=2 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n")
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.messages.count, 1)
        let message = outcome.messages[0]
        XCTAssertEqual(message.method, "GET")
        XCTAssertEqual(message.target, "/api/part/?limit=2")
        XCTAssertEqual(message.version, .http1_1)
        XCTAssertEqual(message.headers, ["Host: example.com", "Accept: */*"])
        XCTAssertTrue(message.keepAlive)
        XCTAssertEqual(message.framing, .none)
        XCTAssertTrue(message.complete)
    }

    func testHeaderValueOptionalWhitespaceIsTrimmed() {
        let outcome = parse("GET / HTTP/1.1\r\nHost:example.com\r\nX-A: \t a b \t\r\nX-Empty:\r\nX-Spaces:   \r\n\r\n")
        XCTAssertEqual(outcome.messages.first?.headers, ["Host: example.com", "X-A: a b", "X-Empty: ", "X-Spaces: "])
    }

    func testHeaderLookupIsCaseInsensitive() {
        var parser = HTTPRequestParser()
        let events = parser.feed(Array("GET / HTTP/1.1\r\nhOsT: h\r\nContent-TYPE: text/plain\r\n\r\n".utf8))
        guard case .head(let head) = events.first else { return XCTFail("no head") }
        XCTAssertEqual(head.headers["content-type"], "text/plain")
        XCTAssertEqual(head.headers["HOST"], "h")
        XCTAssertNil(head.headers["accept"])
    }

    func testObsTextIsAllowedInHeaderValues() {
        let outcome = parse(bytes: Array("GET / HTTP/1.1\r\nHost: h\r\nX-Name: caf".utf8) + [0xC3, 0xA9] + Array("\r\n\r\n".utf8))
        XCTAssertNil(outcome.error)
    }

    func testOneEmptyLineBeforeRequestLineIsIgnored() {
        let outcome = parse("\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n")
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.messages.first?.target, "/")
    }

    func testManyEmptyLinesBeforeRequestLineAreRefused() {
        assertRefused(String(repeating: "\r\n", count: 9) + "GET / HTTP/1.1\r\nHost: h\r\n\r\n",
                      .tooManyEmptyLinesBeforeRequestLine, status: 400)
    }

    func testAsteriskTargetIsAcceptedForOptions() {
        XCTAssertNil(parse("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n").error)
    }

    func testAsteriskTargetIsRefusedForOtherMethods() {
        assertRefused("GET * HTTP/1.1\r\nHost: h\r\n\r\n", .invalidTargetForm, status: 400)
    }

    func testAbsoluteFormTargetIsAccepted() {
        let outcome = parse("GET http://example.com/a/b?c=d HTTP/1.1\r\nHost: example.com\r\n\r\n")
        XCTAssertNil(outcome.error)
        var parser = HTTPRequestParser()
        guard case .head(let head) = parser.feed(Array("GET HTTPS://example.com?x=1 HTTP/1.1\r\nHost: e\r\n\r\n".utf8)).first else {
            return XCTFail("no head")
        }
        XCTAssertEqual(head.rawPath, "/")
        XCTAssertEqual(head.rawQuery, "x=1")
    }

    func testAbsoluteFormWithoutAuthorityIsRefused() {
        assertRefused("GET http:///a HTTP/1.1\r\nHost: h\r\n\r\n", .invalidTargetForm, status: 400)
    }

    func testAuthorityFormTargetIsRefused() {
        assertRefused("GET example.com:80 HTTP/1.1\r\nHost: h\r\n\r\n", .invalidTargetForm, status: 400)
    }

    func testConnectIsNotImplemented() {
        assertRefused("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n", .methodNotImplemented, status: 501)
    }

    func testUnknownTokenMethodIsParsed() {
        XCTAssertEqual(parse("PROPFIND / HTTP/1.1\r\nHost: h\r\n\r\n").messages.first?.method, "PROPFIND")
    }

    func testRawPathAndQueryAreSplit() {
        var parser = HTTPRequestParser()
        guard case .head(let head) = parser.feed(Array("GET /a/b?x=1&y=%20 HTTP/1.1\r\nHost: h\r\n\r\n".utf8)).first else {
            return XCTFail("no head")
        }
        XCTAssertEqual(head.rawPath, "/a/b")
        XCTAssertEqual(head.rawQuery, "x=1&y=%20")
    }

    // MARK: Request line

    func testMethodWithInvalidCharacterIsRefused() {
        assertRefused("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", .invalidMethod, status: 400)
    }

    func testOverlongMethodIsNotImplemented() {
        assertRefused(String(repeating: "A", count: 40) + " / HTTP/1.1\r\nHost: h\r\n\r\n", .methodNotImplemented, status: 501)
    }

    func testDoubleSpaceInRequestLineIsRefused() {
        assertRefused("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", .invalidRequestLineSeparator, status: 400)
        assertRefused("GET /  HTTP/1.1\r\nHost: h\r\n\r\n", .invalidRequestLineSeparator, status: 400)
        assertRefused("GET / HTTP/1.1 \r\nHost: h\r\n\r\n", .invalidRequestLineSeparator, status: 400)
    }

    func testTabInRequestLineIsRefused() {
        assertRefused("GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n", .invalidMethod, status: 400)
    }

    func testControlCharacterInTargetIsRefused() {
        assertRefused("GET /a\u{01}b HTTP/1.1\r\nHost: h\r\n\r\n", .invalidTargetCharacter, status: 400)
    }

    func testFragmentInTargetIsRefused() {
        assertRefused("GET /a#b HTTP/1.1\r\nHost: h\r\n\r\n", .invalidTargetCharacter, status: 400)
    }

    func testNonASCIIInTargetIsRefused() {
        let outcome = parse(bytes: Array("GET /".utf8) + [0xC3, 0xA9] + Array(" HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        XCTAssertEqual(outcome.error?.kind, .invalidTargetCharacter)
    }

    func testHTTP09RequestIsRefused() {
        assertRefused("GET /\r\n\r\n", .invalidVersion, status: 400)
    }

    func testLongRequestLineIsURITooLong() {
        var limits = HTTPParserLimits()
        limits.maxRequestLineBytes = 64
        assertRefused("GET /" + String(repeating: "a", count: 100) + " HTTP/1.1\r\nHost: h\r\n\r\n",
                      .requestLineTooLong, status: 414, limits: limits)
        XCTAssertNil(parse("GET /" + String(repeating: "a", count: 40) + " HTTP/1.1\r\nHost: h\r\n\r\n", limits: limits).error)
    }

    func testHTTP20IsVersionNotSupported() {
        assertRefused("GET / HTTP/2.0\r\nHost: h\r\n\r\n", .unsupportedVersion, status: 505)
        assertRefused("GET / HTTP/1.2\r\nHost: h\r\n\r\n", .unsupportedVersion, status: 505)
        assertRefused("GET / HTTP/0.9\r\nHost: h\r\n\r\n", .unsupportedVersion, status: 505)
    }

    func testMalformedVersionIsRefused() {
        assertRefused("GET / http/1.1\r\nHost: h\r\n\r\n", .invalidVersion, status: 400)
        assertRefused("GET / HTTP/1.10\r\nHost: h\r\n\r\n", .invalidVersion, status: 400)
        assertRefused("GET / HTTP/1\r\nHost: h\r\n\r\n", .invalidVersion, status: 400)
        assertRefused("GET / HTTP/a.1\r\nHost: h\r\n\r\n", .invalidVersion, status: 400)
    }

    // MARK: Line endings

    func testBareLFIsRefused() {
        assertRefused("GET / HTTP/1.1\nHost: h\r\n\r\n", .bareLF, status: 400)
        assertRefused("GET / HTTP/1.1\r\nHost: h\n\r\n", .bareLF, status: 400)
        assertRefused("GET / HTTP/1.1\r\nHost: h\r\n\n", .bareLF, status: 400)
    }

    func testBareCRIsRefused() {
        assertRefused("GET / HTTP/1.1\rHost: h\r\n\r\n", .bareCR, status: 400)
        assertRefused("GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", .bareCR, status: 400)
        assertRefused("GET / HTTP/1.1\r\nHost: h\r\n\rX", .bareCR, status: 400)
    }

    // MARK: Header fields

    func testSpaceBeforeColonIsRefused() {
        assertRefused("GET / HTTP/1.1\r\nHost : h\r\n\r\n", .spaceBeforeColon, status: 400)
        assertRefused("GET / HTTP/1.1\r\nHost: h\r\nContent-Length\t: 0\r\n\r\n", .spaceBeforeColon, status: 400)
    }

    func testObsoleteLineFoldingIsRefused() {
        assertRefused("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\r\n b\r\n\r\n", .obsoleteLineFolding, status: 400)
        assertRefused("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\r\n\tb\r\n\r\n", .obsoleteLineFolding, status: 400)
    }

    func testWhitespaceBeforeFirstHeaderIsRefused() {
        assertRefused("GET / HTTP/1.1\r\n Host: h\r\n\r\n", .whitespaceBeforeFirstHeader, status: 400)
    }

    func testInvalidCharacterInHeaderNameIsRefused() {
        assertRefused("GET / HTTP/1.1\r\nHost: h\r\nX(A): a\r\n\r\n", .invalidHeaderName, status: 400)
        assertRefused("GET / HTTP/1.1\r\nHost: h\r\n:a\r\n\r\n", .invalidHeaderName, status: 400)
        assertRefused("GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", .invalidHeaderName, status: 400)
    }

    func testNULInHeaderValueIsRefused() {
        assertRefused("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\u{0}b\r\n\r\n", .invalidHeaderValueCharacter, status: 400)
    }

    func testControlCharacterInHeaderValueIsRefused() {
        assertRefused("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\u{7F}b\r\n\r\n", .invalidHeaderValueCharacter, status: 400)
        assertRefused("GET / HTTP/1.1\r\nHost: h\r\nX-A: \u{1B}\r\n\r\n", .invalidHeaderValueCharacter, status: 400)
    }

    func testLargeHeaderSectionIsRefusedWith431() {
        var limits = HTTPParserLimits()
        limits.maxHeaderBytes = 100
        assertRefused("GET / HTTP/1.1\r\nHost: h\r\nX-A: " + String(repeating: "a", count: 120) + "\r\n\r\n",
                      .headerSectionTooLarge, status: 431, limits: limits)
        XCTAssertNil(parse("GET / HTTP/1.1\r\nHost: h\r\nX-A: " + String(repeating: "a", count: 60) + "\r\n\r\n", limits: limits).error)
    }

    func testTooManyHeadersAreRefusedWith431() {
        var limits = HTTPParserLimits()
        limits.maxHeaderCount = 5
        let five = "GET / HTTP/1.1\r\nHost: h\r\n" + (1...4).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        XCTAssertNil(parse(five, limits: limits).error)
        let six = "GET / HTTP/1.1\r\nHost: h\r\n" + (1...5).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        assertRefused(six, .tooManyHeaders, status: 431, limits: limits)
    }

    // MARK: Host

    func testMissingHostInHTTP11IsRefused() {
        assertRefused("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", .missingHost, status: 400)
    }

    func testMissingHostInHTTP10IsAccepted() {
        XCTAssertNil(parse("GET / HTTP/1.0\r\n\r\n").error)
    }

    func testDuplicateHostIsRefused() {
        assertRefused("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .duplicateHost, status: 400)
    }

    func testInvalidHostIsRefused() {
        assertRefused("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", .invalidHost, status: 400)
        assertRefused("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", .invalidHost, status: 400)
        assertRefused("GET / HTTP/1.1\r\nHost: user@a\r\n\r\n", .invalidHost, status: 400)
        XCTAssertNil(parse("GET / HTTP/1.1\r\nHost: [::1]:8000\r\n\r\n").error)
    }

    // MARK: Content-Length

    func testContentLengthBodyIsDelivered() {
        let outcome = parse("POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhelloGET /b HTTP/1.1\r\nHost: h\r\n\r\n")
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.messages.count, 2)
        XCTAssertEqual(outcome.messages[0].framing, .length(5))
        XCTAssertEqual(outcome.messages[0].body, Array("hello".utf8))
        XCTAssertTrue(outcome.messages[0].complete)
        XCTAssertEqual(outcome.messages[1].target, "/b")
        XCTAssertTrue(outcome.messages[1].complete)
    }

    func testZeroContentLengthHasNoBody() {
        let outcome = parse("POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n")
        XCTAssertEqual(outcome.messages.first?.framing, HTTPBodyFraming.none)
        XCTAssertEqual(outcome.messages.first?.complete, true)
    }

    func testRepeatedContentLengthIsRefused() {
        assertRefused("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", .duplicateContentLength, status: 400)
        assertRefused("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello", .duplicateContentLength, status: 400)
    }

    func testContentLengthListIsRefused() {
        assertRefused("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\n\r\nhello", .invalidContentLength, status: 400)
        assertRefused("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5,6\r\n\r\nhello", .invalidContentLength, status: 400)
    }

    func testNonDigitContentLengthIsRefused() {
        assertRefused("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\nhello", .invalidContentLength, status: 400)
        assertRefused("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x5\r\n\r\nhello", .invalidContentLength, status: 400)
        assertRefused("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5 5\r\n\r\nhello", .invalidContentLength, status: 400)
        assertRefused("POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n", .invalidContentLength, status: 400)
        assertRefused("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", .invalidContentLength, status: 400)
    }

    func testContentLengthAboveLimitIsRefusedWith413() {
        var limits = HTTPParserLimits()
        limits.maxBodyBytes = 10
        assertRefused("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", .bodyTooLarge, status: 413, limits: limits)
        assertRefused("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n", .bodyTooLarge, status: 413)
    }

    // MARK: Transfer-Encoding

    func testChunkedBodyIsDecoded() {
        let outcome = parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1;name=value;x=\"q\"\r\n!\r\nA\r\n0123456789\r\n0\r\n\r\n")
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.messages.first?.framing, .chunked)
        XCTAssertEqual(outcome.messages.first?.body, Array("hello!0123456789".utf8))
        XCTAssertEqual(outcome.messages.first?.complete, true)
    }

    func testChunkedTrailersAreParsed() {
        let outcome = parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Checksum: 42\r\nX-B: b\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n")
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.messages.first?.trailers, ["X-Checksum: 42", "X-B: b"])
        XCTAssertEqual(outcome.messages.count, 2)
        XCTAssertEqual(outcome.messages.last?.target, "/next")
    }

    func testInvalidTrailerIsRefused() {
        assertRefused("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX : y\r\n\r\n", .spaceBeforeColon, status: 400)
        assertRefused("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n folded\r\n\r\n", .whitespaceBeforeFirstHeader, status: 400)
    }

    func testTooManyTrailersAreRefusedWith431() {
        var limits = HTTPParserLimits()
        limits.maxHeaderCount = 3
        assertRefused("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n",
                      .tooManyHeaders, status: 431, limits: limits)
    }

    func testTransferEncodingIsCaseInsensitive() {
        XCTAssertEqual(parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\n").messages.first?.framing, .chunked)
    }

    func testContentLengthWithTransferEncodingIsRefused() {
        assertRefused("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                      .contentLengthWithTransferEncoding, status: 400)
        assertRefused("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
                      .contentLengthWithTransferEncoding, status: 400)
    }

    func testTransferEncodingOtherThanChunkedIsNotImplemented() {
        assertRefused("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", .unsupportedTransferEncoding, status: 501)
        assertRefused("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", .unsupportedTransferEncoding, status: 501)
        assertRefused("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: identity\r\n\r\n", .unsupportedTransferEncoding, status: 501)
    }

    func testChunkedNotLastIsRefused() {
        assertRefused("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", .invalidTransferEncoding, status: 400)
        assertRefused("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n0\r\n\r\n", .invalidTransferEncoding, status: 400)
    }

    func testChunkedTwiceIsRefused() {
        assertRefused("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", .invalidTransferEncoding, status: 400)
        assertRefused("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", .invalidTransferEncoding, status: 400)
    }

    func testMalformedTransferEncodingIsRefused() {
        assertRefused("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: \r\n\r\n", .invalidTransferEncoding, status: 400)
        assertRefused("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked,\r\n\r\n", .invalidTransferEncoding, status: 400)
        assertRefused("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: \"chunked\"\r\n\r\n", .invalidTransferEncoding, status: 400)
    }

    func testTransferEncodingInHTTP10IsRefused() {
        assertRefused("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", .transferEncodingInHTTP10, status: 400)
    }

    func testInvalidChunkSizeIsRefused() {
        let head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        assertRefused(head + "g\r\n", .invalidChunkSize, status: 400)
        assertRefused(head + "5 \r\nhello\r\n0\r\n\r\n", .invalidChunkSize, status: 400)
        assertRefused(head + " 5\r\nhello\r\n0\r\n\r\n", .invalidChunkSize, status: 400)
        assertRefused(head + "-5\r\n", .invalidChunkSize, status: 400)
        assertRefused(head + "0x5\r\n", .invalidChunkSize, status: 400)
        assertRefused(head + "\r\n", .invalidChunkSize, status: 400)
        assertRefused(head + "5\nhello\r\n", .bareLF, status: 400)
    }

    func testChunkSizeWithTooManyDigitsIsRefused() {
        let head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        assertRefused(head + "0000000000000001\r\na\r\n0\r\n\r\n", .chunkSizeTooLong, status: 400)
        assertRefused(head + "FFFFFFFFFFFFFFFFFFFF\r\n", .chunkSizeTooLong, status: 400)
    }

    func testInvalidChunkExtensionIsRefused() {
        let head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        assertRefused(head + "5;a\u{0}b\r\nhello\r\n0\r\n\r\n", .invalidChunkExtension, status: 400)
        assertRefused(head + "5;" + String(repeating: "x", count: 2000) + "\r\nhello\r\n0\r\n\r\n", .invalidChunkExtension, status: 400)
        assertRefused(head + "5;a\nhello\r\n", .bareLF, status: 400)
    }

    func testChunkDataWithoutCRLFIsRefused() {
        let head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        assertRefused(head + "5\r\nhello!\r\n0\r\n\r\n", .invalidChunkTerminator, status: 400)
        assertRefused(head + "5\r\nhello\r0\r\n\r\n", .invalidChunkTerminator, status: 400)
    }

    func testChunkedBodyAboveLimitIsRefusedWith413() {
        var limits = HTTPParserLimits()
        limits.maxBodyBytes = 8
        let head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        assertRefused(head + "5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n", .bodyTooLarge, status: 413, limits: limits)
        XCTAssertNil(parse(head + "4\r\nhell\r\n4\r\nworl\r\n0\r\n\r\n", limits: limits).error)
    }

    // MARK: Expect, keep-alive, pipelining

    func testExpectContinueIsReported() {
        XCTAssertEqual(parse("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx").messages.first?.expectsContinue, true)
    }

    func testUnknownExpectationIsRefusedWith417() {
        assertRefused("POST / HTTP/1.1\r\nHost: h\r\nExpect: magic\r\n\r\n", .unsupportedExpectation, status: 417)
    }

    func testHTTP11IsKeepAliveUnlessConnectionClose() {
        XCTAssertEqual(parse("GET / HTTP/1.1\r\nHost: h\r\n\r\n").messages.first?.keepAlive, true)
        XCTAssertEqual(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").messages.first?.keepAlive, false)
        XCTAssertEqual(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, CLOSE\r\n\r\n").messages.first?.keepAlive, false)
    }

    func testHTTP10IsCloseUnlessConnectionKeepAlive() {
        XCTAssertEqual(parse("GET / HTTP/1.0\r\n\r\n").messages.first?.keepAlive, false)
        XCTAssertEqual(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").messages.first?.keepAlive, true)
        XCTAssertEqual(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive, close\r\n\r\n").messages.first?.keepAlive, false)
    }

    func testPipelinedRequestsAreParsedInOrder() {
        let one = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
        let two = "POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
        let three = "POST /3 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nxy\r\n0\r\n\r\n"
        let four = "GET /4 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
        let outcome = parse(one + two + three + four)
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.messages.map(\.target), ["/1", "/2", "/3", "/4"])
        XCTAssertEqual(outcome.messages.map { $0.body.count }, [0, 3, 2, 0])
        XCTAssertEqual(outcome.messages.map(\.complete), [true, true, true, true])
    }

    func testPartialNextRequestStaysPending() {
        let outcome = parse("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTT")
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.messages.count, 1)
    }

    func testErrorIsSticky() {
        var parser = HTTPRequestParser()
        _ = parser.feed(Array("GET / HTTP/1.1\r\nHost : h\r\n\r\n".utf8))
        let again = parser.feed(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        guard case .error(let error) = again.first else { return XCTFail("parser accepted input after an error") }
        XCTAssertEqual(error.kind, .spaceBeforeColon)
    }

    func testErrorOffsetPointsAtTheProblem() {
        let text = "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\u{1}b\r\n\r\n"
        let outcome = parse(text)
        XCTAssertEqual(outcome.error?.offset, Array(text.utf8).firstIndex(of: 1))
    }
}
