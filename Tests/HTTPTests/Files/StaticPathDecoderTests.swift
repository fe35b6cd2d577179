import XCTest
@testable import HTTP

final class StaticPathDecoderTests: XCTestCase {
    private func decode(_ raw: String) -> Result<String, StaticFileRefusal> {
        StaticPathDecoder.relativePath(rawPath: raw, prefix: "/static/")
    }

    private func assertBadPath(_ raw: String, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        guard case .failure(.badPath(let reason)) = decode(raw) else {
            return XCTFail("\(raw) was not refused as a bad path: \(decode(raw))", file: file, line: line)
        }
        XCTAssertTrue(reason.contains(fragment), "\(raw): \(reason)", file: file, line: line)
    }

    func testPlainAndEncodedPathsDecode() {
        XCTAssertEqual(try decode("/static/app.js").get(), "app.js")
        XCTAssertEqual(try decode("/static/css/site%20main.css?v=3#top").get(), "css/site main.css")
        XCTAssertEqual(try decode("/static/caf%C3%A9.txt").get(), "café.txt")
        XCTAssertEqual(try decode("/static/").get(), "")
        XCTAssertEqual(try decode("/static/docs/").get(), "docs/")
    }

    func testPathOutsideThePrefixIsNotFound() {
        XCTAssertEqual(decode("/other/app.js"), .failure(.notFound))
        XCTAssertEqual(decode("/static"), .failure(.notFound))
    }

    func testTraversalAttemptsAreRefused() {
        assertBadPath("/static/../etc/passwd", "dot segment")
        assertBadPath("/static/a/../../etc/passwd", "dot segment")
        assertBadPath("/static/%2e%2e/etc/passwd", "dot segment")
        assertBadPath("/static/%2E%2E/etc/passwd", "dot segment")
        assertBadPath("/static/.%2e/etc/passwd", "dot segment")
        assertBadPath("/static/..%2fetc/passwd", "encoded slash")
        assertBadPath("/static/a%2Fb", "encoded slash")
        assertBadPath("/static/a%5cb", "encoded backslash")
        assertBadPath("/static/a\\b", "backslash")
        assertBadPath("/static/a%00.js", "NUL")
        assertBadPath("/static/a\u{0}.js", "NUL")
        assertBadPath("/static/./a.js", "dot segment")
        assertBadPath("/static//etc/passwd", "empty segment")
        assertBadPath("/static/a//b", "empty segment")
        assertBadPath("/static/a//", "empty segment")
        assertBadPath("/static/%zz", "percent-encoding")
        assertBadPath("/static/a%2", "percent-encoding")
        assertBadPath("/static/%ff", "UTF-8")
        assertBadPath("/static/a%0Ab", "control character")
    }

    func testDotFilesAreForbidden() {
        XCTAssertEqual(decode("/static/.git/config"), .failure(.forbidden))
        XCTAssertEqual(decode("/static/a/.env"), .failure(.forbidden))
    }
}
