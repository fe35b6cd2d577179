import XCTest
@testable import HTTP

final class ValidatorTests: XCTestCase {
    func testHTTPDateRoundTrip() {
        XCTAssertEqual(HTTPDateFormat.format(secondsSinceEpoch: 784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT")
        XCTAssertEqual(HTTPDateFormat.parse("Sun, 06 Nov 1994 08:49:37 GMT"), 784_111_777)
        XCTAssertEqual(HTTPDateFormat.format(secondsSinceEpoch: 0), "Thu, 01 Jan 1970 00:00:00 GMT")
        XCTAssertEqual(HTTPDateFormat.parse("Tue, 29 Feb 2028 23:59:59 GMT"), 1_835_481_599)
        for seconds: Int64 in [1, 951_782_400, 1_700_000_000, 4_102_444_800] {
            XCTAssertEqual(HTTPDateFormat.parse(HTTPDateFormat.format(secondsSinceEpoch: seconds)), seconds)
        }
    }

    func testMalformedAndObsoleteDatesAreNotParsed() {
        XCTAssertNil(HTTPDateFormat.parse("Sunday, 06-Nov-94 08:49:37 GMT"))
        XCTAssertNil(HTTPDateFormat.parse("Sun Nov  6 08:49:37 1994"))
        XCTAssertNil(HTTPDateFormat.parse("Sun, 06 Nov 1994 08:49:37 UTC"))
        XCTAssertNil(HTTPDateFormat.parse("Sun, 06 Foo 1994 08:49:37 GMT"))
        XCTAssertNil(HTTPDateFormat.parse("Sun, 06 Nov 1994 25:49:37 GMT"))
        XCTAssertNil(HTTPDateFormat.parse(""))
    }

    func testEntityTagFormatFollowsNginx() throws {
        let tree = try StaticTestTree()
        try tree.write("a.txt", String(repeating: "x", count: 0x1c8), mtime: 0x5f3a_0000)
        let fd = open(tree.path + "/a.txt", O_RDONLY)
        defer { close(fd) }
        let stat = try XCTUnwrap(FileStat(fd: fd))
        XCTAssertEqual(EntityTag.make(for: stat), "\"5f3a0000-1c8\"")
        XCTAssertEqual(EntityTag.make(for: stat, coding: "br"), "\"5f3a0000-1c8-br\"")
    }

    func testIfNoneMatchUsesWeakComparisonOverAList() {
        let etag = "\"5f3a-1c8\""
        XCTAssertTrue(EntityTag.noneMatchHits("\"5f3a-1c8\"", etag: etag))
        XCTAssertTrue(EntityTag.noneMatchHits("W/\"5f3a-1c8\"", etag: etag))
        XCTAssertTrue(EntityTag.noneMatchHits("\"other\", W/\"5f3a-1c8\"", etag: etag))
        XCTAssertTrue(EntityTag.noneMatchHits("\"a,b\",\"5f3a-1c8\"", etag: etag))
        XCTAssertTrue(EntityTag.noneMatchHits(" * ", etag: etag))
        XCTAssertFalse(EntityTag.noneMatchHits("\"5f3a-1c9\"", etag: etag))
        XCTAssertFalse(EntityTag.noneMatchHits("5f3a-1c8", etag: etag), "unquoted tags are malformed")
        XCTAssertFalse(EntityTag.noneMatchHits("\"5f3a-1c8", etag: etag))
    }

    func testStrongComparisonRejectsWeakTags() {
        XCTAssertTrue(EntityTag.strongMatch("\"x\"", etag: "\"x\""))
        XCTAssertFalse(EntityTag.strongMatch("W/\"x\"", etag: "\"x\""))
        XCTAssertTrue(EntityTag.matchHits("\"y\", \"x\"", etag: "\"x\""))
        XCTAssertFalse(EntityTag.matchHits("W/\"x\"", etag: "\"x\""))
        XCTAssertTrue(EntityTag.matchHits("*", etag: "\"x\""))
    }

    func testRangeForms() {
        XCTAssertEqual(ByteRange.evaluate("bytes=0-9", size: 100), .partial(offset: 0, length: 10))
        XCTAssertEqual(ByteRange.evaluate("bytes=90-", size: 100), .partial(offset: 90, length: 10))
        XCTAssertEqual(ByteRange.evaluate("bytes=-10", size: 100), .partial(offset: 90, length: 10))
        XCTAssertEqual(ByteRange.evaluate("bytes=-500", size: 100), .partial(offset: 0, length: 100))
        XCTAssertEqual(ByteRange.evaluate("bytes=50-5000", size: 100), .partial(offset: 50, length: 50))
        XCTAssertEqual(ByteRange.evaluate("BYTES = 1-1", size: 100), .whole, "spaces around = are not allowed")
        XCTAssertEqual(ByteRange.evaluate("Bytes=1-1", size: 100), .partial(offset: 1, length: 1))
        XCTAssertEqual(ByteRange.evaluate("bytes=99999999999999999999999-", size: 100), .unsatisfiable)
    }

    func testUnsatisfiableRanges() {
        XCTAssertEqual(ByteRange.evaluate("bytes=100-", size: 100), .unsatisfiable)
        XCTAssertEqual(ByteRange.evaluate("bytes=100-200", size: 100), .unsatisfiable)
        XCTAssertEqual(ByteRange.evaluate("bytes=-0", size: 100), .unsatisfiable)
        XCTAssertEqual(ByteRange.evaluate("bytes=0-", size: 0), .unsatisfiable)
        XCTAssertEqual(ByteRange.evaluate("bytes=-5", size: 0), .unsatisfiable)
    }

    func testMalformedOrMultipleRangesServeTheWholeFile() {
        for header in ["bytes=5-1", "bytes=a-b", "bytes=", "bytes=-", "items=0-1", "bytes=0-1,5-6", "bytes=1", "bytes=+1-2"] {
            XCTAssertEqual(ByteRange.evaluate(header, size: 100), .whole, header)
        }
        XCTAssertEqual(ByteRange.contentRange(offset: 90, length: 10, size: 100), "bytes 90-99/100")
    }

    private let etag = "\"5f3a-64\""
    private let modified: Int64 = 1_700_000_000
    private var modifiedText: String { HTTPDateFormat.format(secondsSinceEpoch: modified) }

    private func decide(_ headers: ConditionalHeaders, isHead: Bool = false) -> ConditionalDecision {
        ConditionalRequest.evaluate(headers, isHead: isHead, etag: etag, lastModified: modified, size: 100)
    }

    func testNotModified() {
        XCTAssertEqual(decide(ConditionalHeaders(ifNoneMatch: etag)), .notModified)
        XCTAssertEqual(decide(ConditionalHeaders(ifNoneMatch: "*")), .notModified)
        XCTAssertEqual(decide(ConditionalHeaders(ifNoneMatch: "\"old\"")), .full)
        XCTAssertEqual(decide(ConditionalHeaders(ifModifiedSince: modifiedText)), .notModified)
        XCTAssertEqual(decide(ConditionalHeaders(ifModifiedSince: HTTPDateFormat.format(secondsSinceEpoch: modified - 1))), .full)
        XCTAssertEqual(decide(ConditionalHeaders(ifModifiedSince: "yesterday")), .full)
        XCTAssertEqual(decide(ConditionalHeaders(ifNoneMatch: etag), isHead: true), .notModified)
    }

    func testIfModifiedSinceIsIgnoredWhenIfNoneMatchIsPresent() {
        XCTAssertEqual(decide(ConditionalHeaders(ifNoneMatch: "\"old\"", ifModifiedSince: modifiedText)), .full)
    }

    func testPreconditions() {
        XCTAssertEqual(decide(ConditionalHeaders(ifMatch: "\"old\"")), .preconditionFailed)
        XCTAssertEqual(decide(ConditionalHeaders(ifMatch: etag)), .full)
        XCTAssertEqual(decide(ConditionalHeaders(ifUnmodifiedSince: HTTPDateFormat.format(secondsSinceEpoch: modified - 1))),
                       .preconditionFailed)
        XCTAssertEqual(decide(ConditionalHeaders(ifUnmodifiedSince: modifiedText)), .full)
    }

    func testRangeWithIfRange() {
        XCTAssertEqual(decide(ConditionalHeaders(range: "bytes=0-9")), .partial(offset: 0, length: 10))
        XCTAssertEqual(decide(ConditionalHeaders(range: "bytes=0-9", ifRange: etag)), .partial(offset: 0, length: 10))
        XCTAssertEqual(decide(ConditionalHeaders(range: "bytes=0-9", ifRange: "\"old\"")), .full)
        XCTAssertEqual(decide(ConditionalHeaders(range: "bytes=0-9", ifRange: "W/" + etag)), .full)
        XCTAssertEqual(decide(ConditionalHeaders(range: "bytes=0-9", ifRange: modifiedText)), .partial(offset: 0, length: 10))
        XCTAssertEqual(decide(ConditionalHeaders(range: "bytes=0-9", ifRange: HTTPDateFormat.format(secondsSinceEpoch: modified + 5))),
                       .full)
        XCTAssertEqual(decide(ConditionalHeaders(range: "bytes=200-")), .rangeNotSatisfiable)
        XCTAssertEqual(decide(ConditionalHeaders(range: "bytes=0-9"), isHead: true), .full, "HEAD ignores Range")
        XCTAssertEqual(decide(ConditionalHeaders(ifNoneMatch: etag, range: "bytes=0-9")), .notModified)
    }
}
