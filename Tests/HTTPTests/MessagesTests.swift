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
