import XCTest
@testable import HTTP

final class RouterTests: XCTestCase {
    func makeRouter() -> Router {
        let router = Router()
        router.get("/api/part/") { _ in .text("list") }
        router.post("/api/part/") { _ in .text("create") }
        router.get("/api/part/:pk/") { request in .text("part \(request.pathParameters["pk"] ?? "?")") }
        router.delete("/api/part/:pk/") { request in .text("deleted \(request.pathParameters["pk"] ?? "?")") }
        router.get("/static/*path", mode: .inline) { request in .text("file \(request.pathParameters["path"] ?? "?")") }
        router.get("/") { _ in .text("root") }
        return router
    }

    func body(_ response: HTTPResponse) -> String {
        if case .bytes(let bytes) = response.body { return String(decoding: bytes, as: UTF8.self) }
        return ""
    }

    func testPathParameterIsExtracted() {
        let response = makeRouter().respond(to: HTTPRequest(method: .GET, path: "/api/part/42/"))
        XCTAssertEqual(body(response), "part 42")
    }

    func testMethodSelectsTheRoute() {
        let router = makeRouter()
        XCTAssertEqual(body(router.respond(to: HTTPRequest(method: .POST, path: "/api/part/"))), "create")
        XCTAssertEqual(body(router.respond(to: HTTPRequest(method: .DELETE, path: "/api/part/7/"))), "deleted 7")
    }

    func testWrongMethodIs405WithAllow() {
        let response = makeRouter().respond(to: HTTPRequest(method: .PUT, path: "/api/part/7/"))
        XCTAssertEqual(response.status, 405)
        XCTAssertEqual(response.headers["Allow"], "GET, DELETE, HEAD")
    }

    func testUnknownPathIs404() {
        let router = makeRouter()
        XCTAssertEqual(router.respond(to: HTTPRequest(method: .GET, path: "/api/nothing/")).status, 404)
        XCTAssertEqual(router.respond(to: HTTPRequest(method: .GET, path: "/api/part/7/extra/")).status, 404)
    }

    func testTrailingSlashMatters() {
        XCTAssertEqual(makeRouter().respond(to: HTTPRequest(method: .GET, path: "/api/part/7")).status, 404)
    }

    func testHeadFallsBackToGet() {
        guard case .found(let route, _) = makeRouter().match(method: .HEAD, path: "/api/part/") else { return XCTFail("no match") }
        XCTAssertEqual(route.method, .GET)
    }

    func testRestParameterTakesTheRestOfThePath() {
        let router = makeRouter()
        XCTAssertEqual(body(router.respond(to: HTTPRequest(method: .GET, path: "/static/css/app.css"))), "file css/app.css")
        guard case .found(let route, _) = router.match(method: .GET, path: "/static/x") else { return XCTFail("no match") }
        XCTAssertEqual(route.mode, .inline)
    }

    func testRootMatchesOnlyRoot() {
        let router = makeRouter()
        XCTAssertEqual(body(router.respond(to: HTTPRequest(method: .GET, path: "/"))), "root")
    }
}
