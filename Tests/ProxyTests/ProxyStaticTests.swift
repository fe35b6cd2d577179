import HTTP
import XCTest
@testable import Proxy

/// `/static/` and `/media/` through a real proxy server over loopback TCP.
final class ProxyStaticTests: XCTestCase {
    func testStaticFileIsServedWithValidatorsAndRevalidatesTo304() throws {
        let stack = try ProxyStack()
        let client = try stack.client()
        let full = try client.get("/static/site.css")
        XCTAssertEqual(full.status, 200)
        XCTAssertEqual(full.body, ProxyStack.css)
        XCTAssertEqual(full.header("Content-Type"), "text/css; charset=utf-8")
        XCTAssertEqual(full.count(of: "Content-Length"), 1, "the engine must not add a second Content-Length: \(full.headers)")
        XCTAssertEqual(full.header("Content-Length"), String(ProxyStack.css.count))
        XCTAssertEqual(full.header("Cache-Control"), "public, max-age=3600")
        let etag = try XCTUnwrap(full.header("ETag"))

        let revalidated = try client.get("/static/site.css", ["If-None-Match": etag])
        XCTAssertEqual(revalidated.status, 304)
        XCTAssertEqual(revalidated.header("ETag"), etag)
        XCTAssertNil(revalidated.header("Content-Length"))
        // The connection is still in step after a body-less 304.
        XCTAssertEqual(try client.get("/static/site.css").status, 200)
    }

    /// The path is read from the target whatever its form; the query plays no part in the file's name.
    func testAbsoluteFormAndQueryTargetsNameTheSameFile() throws {
        let stack = try ProxyStack()
        let client = try stack.client()
        client.send("GET http://x/static/site.css?v=3 HTTP/1.1\r\nHost: x\r\n\r\n")
        let absolute = try client.readResponse()
        XCTAssertEqual(absolute.status, 200)
        XCTAssertEqual(absolute.body, ProxyStack.css)
        let withQuery = try client.get("/static/site.css?v=3")
        XCTAssertEqual(withQuery.status, 200)
        XCTAssertEqual(withQuery.body, ProxyStack.css)
    }

    func testFingerprintedFilesAreCachedForAYear() throws {
        let stack = try ProxyStack()
        let response = try stack.client().get("/static/app.0123abcd.js")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("Cache-Control"), "public, max-age=31536000, immutable")
    }

    func testRangeIsAnswered206WithTheSlice() throws {
        let stack = try ProxyStack()
        let response = try stack.client().get("/static/site.css", ["Range": "bytes=5-9"])
        XCTAssertEqual(response.status, 206)
        XCTAssertEqual(response.body, Array(ProxyStack.css[5...9]))
        XCTAssertEqual(response.header("Content-Range"), "bytes 5-9/\(ProxyStack.css.count)")
        XCTAssertEqual(response.count(of: "Content-Length"), 1)
    }

    func testHeadHasTheLengthButNoBody() throws {
        let stack = try ProxyStack()
        let client = try stack.client()
        client.send("HEAD /static/site.css HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = try client.readResponse(headRequest: true)
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.header("Content-Length"), String(ProxyStack.css.count))
        XCTAssertEqual(head.count(of: "Content-Length"), 1)
        XCTAssertEqual(try client.get("/static/app.0123abcd.js").status, 200, "no stray body bytes after HEAD")
    }

    func testMissingFileIs404AndTraversalNeverLeavesTheRoot() throws {
        let stack = try ProxyStack()
        XCTAssertEqual(try stack.client().get("/static/missing.css").status, 404)
        for attempt in ["/static/../secret.txt", "/static/%2e%2e/secret.txt", "/static/..%2fsecret.txt",
                        "/static/%2e%2e%2fsecret.txt", "/static/a/../../secret.txt", "/static/%00secret.txt"] {
            let response = try stack.client().get(attempt)
            XCTAssertFalse(response.text.contains("not for the web"), "\(attempt) leaked the file outside the root")
            XCTAssertNotEqual(response.status, 200, attempt)
        }
    }

    func testSymlinkOutOfTheRootIsRefused() throws {
        let stack = try ProxyStack()
        XCTAssertEqual(symlink(stack.directory.path + "/secret.txt", stack.staticRoot + "/escape.txt"), 0)
        let response = try stack.client().get("/static/escape.txt")
        XCTAssertFalse(response.text.contains("not for the web"))
        XCTAssertTrue([403, 404].contains(response.status), "\(response.status)")
    }

    func testNonGetOnStaticIs405WithAllow() throws {
        let stack = try ProxyStack()
        let client = try stack.client()
        client.send("POST /static/site.css HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi")
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 405)
        XCTAssertEqual(response.header("Allow"), "GET, HEAD")
    }

    func testMediaWithoutADatabaseIsUnavailableForEveryMethod() throws {
        let stack = try ProxyStack()
        let client = try stack.client()
        let get = try client.get("/media/attachments/secret.pdf")
        XCTAssertEqual(get.status, 503)
        XCTAssertEqual(get.header("Content-Type"), "application/json")
        XCTAssertTrue(get.text.hasPrefix(#"{"detail": ""#), get.text)
        client.send("DELETE /media/x HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(try client.readResponse().status, 503)
    }

    func testMissingStaticRootStillStartsAndAnswers404() throws {
        var warnings: [String] = []
        let routes = ProxyRoutes(settings: ProxySettings(staticRoot: "/nonexistent/static", upstream: .unix(path: "/nonexistent.sock")),
                                 warn: { warnings.append($0) })
        XCTAssertNil(routes.files)
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings.first?.contains("/nonexistent/static") ?? false, "\(warnings)")
        XCTAssertEqual(routes.router.respond(to: HTTPRequest(method: .GET, path: "/static/a.css")).status, 404)
    }
}
