import Glibc
import XCTest
@testable import HTTP

final class MessagesTests: XCTestCase {
    func testQueryParametersAreDecodedLazily() {
        let request = HTTPRequest(method: .GET, path: "/a", rawQuery: "limit=10&name=a+b%21&flag&name=c&bad=%zz")
        XCTAssertEqual(request.query("limit"), "10")
        XCTAssertEqual(request.query("name"), "a b!")
        XCTAssertEqual(request.queryValues("name"), ["a b!", "c"])
        XCTAssertEqual(request.query("flag"), "")
        XCTAssertEqual(request.query("bad"), "%zz")
        XCTAssertNil(request.query("missing"))
    }

    func testCookiesAreParsedFromAllCookieHeaders() {
        let headers = HTTPHeaders([("Cookie", "sessionid=abc; csrftoken=\"x y\""), ("Cookie", "theme=dark;sessionid=later")])
        let request = HTTPRequest(method: .GET, path: "/", headers: headers)
        XCTAssertEqual(request.cookies["sessionid"], "abc")
        XCTAssertEqual(request.cookies["csrftoken"], "x y")
        XCTAssertEqual(request.cookies["theme"], "dark")
    }

    func testHeaderValuesCannotInjectLines() {
        var headers = HTTPHeaders()
        headers.add(name: "X-A", value: "a\r\nSet-Cookie: evil")
        headers.add(name: "Bad Name", value: "v")
        var out: [UInt8] = []
        headers.write(to: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "X-A: a  Set-Cookie: evil\r\nBad-Name: v\r\n")
    }

    func testHeadersReplaceAndRemove() {
        var headers = HTTPHeaders([("A", "1"), ("B", "2"), ("a", "3")])
        headers.replaceOrAdd(name: "a", value: "4")
        XCTAssertEqual(headers.values("A"), ["4"])
        headers.remove(name: "b")
        XCTAssertEqual(headers.count, 1)
    }

    func testResponseHeadHasDateContentLengthAndConnection() {
        var response = HTTPResponse.text("hello")
        response.headers.add(name: "X-Test", value: "1")
        var out: [UInt8] = []
        let chunked = HTTPResponseHead.write(response, version: .http1_1, keepAlive: true,
                                             date: Array("Tue, 24 Nov 2026 08:00:00 GMT".utf8), into: &out)
        XCTAssertFalse(chunked)
        XCTAssertEqual(String(decoding: out, as: UTF8.self),
                       "HTTP/1.1 200 OK\r\nDate: Tue, 24 Nov 2026 08:00:00 GMT\r\nContent-Length: 5\r\nConnection: keep-alive\r\n"
                       + "Content-Type: text/plain; charset=utf-8\r\nX-Test: 1\r\n\r\n")
    }

    func testCommonStatusLinesCarryTheStandardReasonPhrase() {
        for status in 100...599 {
            guard let line = HTTPResponseHead.commonStatusLine(status) else { continue }
            XCTAssertEqual(line.description, "\(status) \(HTTPStatus.reason(status))\r\n")
        }
        XCTAssertNotNil(HTTPResponseHead.commonStatusLine(304))
        var out: [UInt8] = []
        HTTPResponseHead.write(HTTPResponse(status: 418), version: .http1_1, keepAlive: true, date: Array("D".utf8), into: &out)
        XCTAssertTrue(String(decoding: out, as: UTF8.self).hasPrefix("HTTP/1.1 418 "))
    }

    /// Prepared headers are written exactly as the same headers unprepared, in every case where the
    /// server drops or keeps a handler's framing fields.
    func testPreparedHeadersAreWrittenAsTheSameHeadersUnprepared() {
        var fields = HTTPHeaders([("Content-Type", "text/plain"), ("Content-Length", "5"), ("ETag", "\"1-2\""),
                                  ("Date", "never"), ("Connection", "upgrade"), ("Transfer-Encoding", "gzip"), ("Vary", "Accept-Encoding")])
        var prepared = fields
        HTTPResponseHead.prepare(&prepared)
        XCTAssertNotNil(prepared.prepared)
        let date = Array("Tue, 24 Nov 2026 08:00:00 GMT".utf8)
        let cases: [(status: Int, body: HTTPResponseBody, bodyAllowed: Bool)] = [
            (200, .bytes(Array("hello".utf8)), true), (200, .bytes(Array("hello".utf8)), false),
            (304, .empty, false), (206, .empty, true), (404, .bytes([1]), true),
        ]
        for (status, body, bodyAllowed) in cases {
            var plain: [UInt8] = []
            var fast: [UInt8] = []
            HTTPResponseHead.write(HTTPResponse(status: status, headers: fields, body: body), version: .http1_1, keepAlive: true,
                                   date: date, bodyAllowed: bodyAllowed, into: &plain)
            HTTPResponseHead.write(HTTPResponse(status: status, headers: prepared, body: body), version: .http1_1, keepAlive: true,
                                   date: date, bodyAllowed: bodyAllowed, into: &fast)
            XCTAssertEqual(String(decoding: fast, as: UTF8.self), String(decoding: plain, as: UTF8.self), "status \(status), body allowed \(bodyAllowed)")
        }
        // A change drops the prepared form: the new field is written.
        prepared.add(name: "X-Content-Type-Options", value: "nosniff")
        fields.add(name: "X-Content-Type-Options", value: "nosniff")
        XCTAssertNil(prepared.prepared)
        var out: [UInt8] = []
        HTTPResponseHead.write(HTTPResponse(status: 304, headers: prepared), version: .http1_1, keepAlive: true, date: date, into: &out)
        XCTAssertTrue(String(decoding: out, as: UTF8.self).contains("X-Content-Type-Options: nosniff\r\n"))
        prepared.remove(name: "ETag")
        HTTPResponseHead.prepare(&prepared)
        prepared.remove(name: "Vary")
        out = []
        HTTPResponseHead.write(HTTPResponse(status: 304, headers: prepared), version: .http1_1, keepAlive: true, date: date, into: &out)
        XCTAssertFalse(String(decoding: out, as: UTF8.self).contains("Vary"))
    }

    func testTargetPathIsTheTargetUpToItsQuery() {
        XCTAssertEqual(HTTPRequest(method: .GET, path: "/a", target: "/static/a%20b.txt?v=1?x").targetPath, "/static/a%20b.txt")
        XCTAssertEqual(HTTPRequest(method: .GET, path: "/a", target: "/static/app.css").targetPath, "/static/app.css")
    }

    func testRequestHeadSplitsPathAndQueryOfEveryTargetForm() {
        func split(_ target: String) -> (String, String) {
            let parts = HTTPRequestHead(method: .GET, target: target).rawPathAndQuery
            return (String(parts.path), String(parts.query))
        }
        XCTAssertTrue(split("/a/b?x=1&y") == ("/a/b", "x=1&y"))
        XCTAssertTrue(split("/a/b") == ("/a/b", ""))
        XCTAssertTrue(split("/a?") == ("/a", ""))
        XCTAssertTrue(split("*") == ("*", ""))
        XCTAssertTrue(split("http://example.com/p/q?r=1") == ("/p/q", "r=1"))
        XCTAssertTrue(split("http://example.com?r=1") == ("/", "r=1"))
        XCTAssertTrue(split("http://example.com") == ("/", ""))
        // A `?` before the authority's end: the path is still read after the authority, the query from the first `?`.
        XCTAssertTrue(split("h?x://host/p") == ("/p", "x://host/p"))
        XCTAssertEqual(HTTPRequestHead(method: .GET, target: "/é/ü?ä=1").rawPath, "/é/ü")
        XCTAssertEqual(HTTPRequestHead(method: .GET, target: "/é/ü?ä=1").rawQuery, "ä=1")
    }

    func testResponseHeadForCloseAndOtherStatus() {
        var out: [UInt8] = []
        HTTPResponseHead.write(HTTPResponse(status: 404, body: .bytes(Array(repeating: 0, count: 1234))), version: .http1_0,
                               keepAlive: false, date: Array("D".utf8), into: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self),
                       "HTTP/1.0 404 Not Found\r\nDate: D\r\nContent-Length: 1234\r\nConnection: close\r\n\r\n")
    }

    func testNoContentLengthOn204And304() {
        for status in [204, 304] {
            var out: [UInt8] = []
            HTTPResponseHead.write(HTTPResponse(status: status), version: .http1_1, keepAlive: true, date: [], into: &out)
            XCTAssertFalse(String(decoding: out, as: UTF8.self).contains("Content-Length"))
        }
    }

    func head(_ response: HTTPResponse, bodyAllowed: Bool = true, keepAlive: Bool = true) -> String {
        var out: [UInt8] = []
        HTTPResponseHead.write(response, version: .http1_1, keepAlive: keepAlive, date: Array("D".utf8),
                               bodyAllowed: bodyAllowed, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    func count(_ name: String, in head: String) -> Int {
        head.split(separator: "\r\n").filter { $0.lowercased().hasPrefix(name.lowercased() + ":") }.count
    }

    func testHandlerFramingAndConnectionHeadersAreNeverDoubledTheServersWin() {
        var response = HTTPResponse.text("hello")
        response.headers.add(name: "content-length", value: "99")
        response.headers.add(name: "DATE", value: "Mon, 01 Jan 2001 00:00:00 GMT")
        response.headers.add(name: "Connection", value: "keep-alive")
        response.headers.add(name: "Transfer-Encoding", value: "chunked")
        response.headers.add(name: "X-Kept", value: "1")
        let text = head(response, keepAlive: false)
        for name in ["Content-Length", "Date", "Connection"] { XCTAssertEqual(count(name, in: text), 1, "\(name) in \(text)") }
        XCTAssertEqual(count("Transfer-Encoding", in: text), 0, text)
        XCTAssertTrue(text.contains("Content-Length: 5\r\n"), "the length of the body actually sent wins: \(text)")
        XCTAssertTrue(text.contains("Date: D\r\n"), text)
        XCTAssertTrue(text.contains("Connection: close\r\n"), text)
        XCTAssertTrue(text.contains("X-Kept: 1\r\n"), text)
    }

    func testAHandlersContentLengthIsKeptWhereTheServerCannotKnowIt() {
        final class OneShot: HTTPBodyStream { func next() throws -> [UInt8]? { nil } }
        let stream = HTTPResponse(headers: HTTPHeaders([("Content-Length", "1000")]), body: .stream(OneShot()))
        var text = head(stream)
        XCTAssertEqual(count("Content-Length", in: text), 1, text)
        XCTAssertTrue(text.contains("Content-Length: 1000\r\n"), text)
        XCTAssertFalse(text.contains("chunked"), text)
        // A HEAD answer states the length the GET body would have.
        let headAnswer = HTTPResponse(headers: HTTPHeaders([("Content-Length", "4096")]), body: .empty)
        text = head(headAnswer, bodyAllowed: false)
        XCTAssertEqual(count("Content-Length", in: text), 1, text)
        XCTAssertTrue(text.contains("Content-Length: 4096\r\n"), text)
        text = head(HTTPResponse(status: 304, headers: HTTPHeaders([("Content-Length", "12")])), bodyAllowed: false)
        XCTAssertTrue(text.contains("Content-Length: 12\r\n"), text)
        text = head(HTTPResponse(status: 204, headers: HTTPHeaders([("Content-Length", "0")])), bodyAllowed: false)
        XCTAssertEqual(count("Content-Length", in: text), 0, "204 has no Content-Length: \(text)")
    }

    func testStreamBodyIsChunkedForHTTP11() {
        final class OneShot: HTTPBodyStream { func next() throws -> [UInt8]? { nil } }
        var out: [UInt8] = []
        let chunked = HTTPResponseHead.write(HTTPResponse(body: .stream(OneShot())), version: .http1_1, keepAlive: true, date: [], into: &out)
        XCTAssertTrue(chunked)
        XCTAssertTrue(String(decoding: out, as: UTF8.self).contains("Transfer-Encoding: chunked\r\n"))
    }

    func testDateIsIMFFixdate() {
        XCTAssertEqual(String(decoding: HTTPDateCache.format(784_111_777), as: UTF8.self), "Sun, 06 Nov 1994 08:49:37 GMT")
        var cache = HTTPDateCache()
        XCTAssertEqual(cache.current().count, 29)
    }

    func testDecimalAndHexDigits() {
        for value in [0, 7, 10, 99, 1234567, Int(Int32.max), Int.max] {
            var out: [UInt8] = []
            HTTPResponseHead.appendDecimal(value, into: &out)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), String(value))
            out = []
            HTTPResponseHead.appendHex(value, into: &out)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), String(value, radix: 16))
        }
    }
}
