import Dispatch
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

    func testTheRouteAddedFirstWinsWhenALiteralAndAParameterBothMatch() {
        let router = Router()
        router.get("/api/part/:pk/") { request in .text("part \(request.pathParameters["pk"] ?? "?")") }
        router.get("/api/part/category/") { _ in .text("categories") }
        router.get("/api/stock/category/") { _ in .text("stock categories") }
        router.get("/api/stock/:id/") { request in .text("stock \(request.pathParameters["id"] ?? "?")") }
        XCTAssertEqual(body(router.respond(to: HTTPRequest(method: .GET, path: "/api/part/category/"))), "part category")
        XCTAssertEqual(body(router.respond(to: HTTPRequest(method: .GET, path: "/api/stock/category/"))), "stock categories")
        XCTAssertEqual(body(router.respond(to: HTTPRequest(method: .GET, path: "/api/stock/9/"))), "stock 9")
    }

    func testParametersAtTheSamePlaceMayHaveDifferentNames() {
        let router = Router()
        router.get("/api/part/:pk/") { request in .text("pk \(request.pathParameters["pk"] ?? "?")") }
        router.get("/api/part/:id/bom/") { request in .text("id \(request.pathParameters["id"] ?? "?") \(request.pathParameters.count)") }
        router.get("/files/:kind/*path") { request in .text("\(request.pathParameters["kind"] ?? "?") \(request.pathParameters["path"] ?? "?")") }
        XCTAssertEqual(body(router.respond(to: HTTPRequest(method: .GET, path: "/api/part/3/"))), "pk 3")
        XCTAssertEqual(body(router.respond(to: HTTPRequest(method: .GET, path: "/api/part/4/bom/"))), "id 4 1")
        XCTAssertEqual(body(router.respond(to: HTTPRequest(method: .GET, path: "/files/img/a/b.png"))), "img a/b.png")
    }

    func testOptionsAsteriskIsAnsweredByTheServerWithAllow() {
        let response = makeRouter().respond(to: HTTPRequest(method: .OPTIONS, path: "*", target: "*"))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.headers["Allow"], "GET, POST, DELETE, HEAD, OPTIONS")
    }

    /// The linear matcher the tree replaced: every route in order, the first with the method wins.
    func linearMatch(_ router: Router, method: HTTPMethod, path: String) -> RouteMatch {
        let trailingSlash = path.utf8.count > 1 && path.utf8.last == 0x2F
        var allowed: [HTTPMethod] = []
        var getMatch: (Route, [String: String])?
        for route in router.routes {
            guard let parameters = route.match(path, trailingSlash: trailingSlash) else { continue }
            if route.method == method { return .found(route, parameters: parameters) }
            if method == .HEAD && route.method == .GET && getMatch == nil { getMatch = (route, parameters) }
            if !allowed.contains(route.method) { allowed.append(route.method) }
        }
        if let (route, parameters) = getMatch { return .found(route, parameters: parameters) }
        if allowed.isEmpty { return .notFound }
        if allowed.contains(.GET) && !allowed.contains(.HEAD) { allowed.append(.HEAD) }
        return .methodNotAllowed(allow: allowed)
    }

    func describe(_ match: RouteMatch) -> String {
        switch match {
        case .found(let route, let parameters):
            return "found \(route.method) \(route.pattern) \(parameters.sorted { $0.key < $1.key })"
        case .methodNotAllowed(let allow): return "405 \(allow)"
        case .notFound: return "404"
        }
    }

    func testTheTreeAgreesWithTheLinearMatcherOnRandomRoutesAndPaths() {
        var generator = SystemRandomNumberGenerator()
        let words = ["api", "part", "stock", "a", "b", "category", "é", "e\u{301}"]
        let methods: [HTTPMethod] = [.GET, .POST, .PUT, .DELETE, .HEAD]
        for _ in 0..<50 {
            let router = Router()
            for index in 0..<40 {
                var parts: [String] = []
                for position in 0..<Int.random(in: 0...4, using: &generator) {
                    switch Int.random(in: 0..<10, using: &generator) {
                    case 0..<6: parts.append(words.randomElement(using: &generator)!)
                    case 6..<9: parts.append(":p\(position)x\(Int.random(in: 0..<2, using: &generator))")
                    default: parts.append("*rest")
                    }
                }
                let pattern = "/" + parts.joined(separator: "/") + (Bool.random(using: &generator) && !parts.isEmpty ? "/" : "")
                router.add(methods.randomElement(using: &generator)!, pattern) { _ in .text("\(index)") }
            }
            for _ in 0..<200 {
                let parts = (0..<Int.random(in: 0...5, using: &generator)).map { _ in
                    Bool.random(using: &generator) ? words.randomElement(using: &generator)! : "x\(Int.random(in: 0..<3, using: &generator))"
                }
                var path = "/" + parts.joined(separator: Int.random(in: 0..<8, using: &generator) == 0 ? "//" : "/")
                if Bool.random(using: &generator) { path += "/" }
                let method = methods.randomElement(using: &generator)!
                let expected = describe(linearMatch(router, method: method, path: path))
                let actual = describe(router.match(method: method, path: path))
                if expected != actual {
                    XCTFail("\(method) \(path): tree \(actual), linear \(expected); routes \(router.routes.map { "\($0.method) \($0.pattern)" })")
                    return
                }
            }
        }
    }

    /// Nanoseconds per lookup of `paths` through `lookup`: the best of seven rounds, so that a busy
    /// machine's preemptions do not count.
    func timePerLookup(_ paths: [String], _ lookup: (String) -> RouteMatch) -> Double {
        var best = Double.infinity
        for _ in 0..<7 {
            var found = 0
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<10 {
                for path in paths {
                    if case .found = lookup(path) { found += 1 }
                }
            }
            let elapsed = DispatchTime.now().uptimeNanoseconds - start
            XCTAssertEqual(found, 10 * paths.count, "every timed path has a route")
            best = min(best, Double(elapsed) / Double(10 * paths.count))
        }
        return best
    }

    /// An API-sized router: `count` routes shaped like InvenTree's (list, detail, sub-resources).
    func apiRouter(_ count: Int) -> (Router, [String]) {
        let router = Router()
        var paths: [String] = []
        var index = 0
        while router.routes.count < count {
            let resource = "resource\(index)"
            router.get("/api/\(resource)/") { _ in .text("list") }
            router.post("/api/\(resource)/") { _ in .text("create") }
            router.get("/api/\(resource)/:pk/") { _ in .text("detail") }
            router.patch("/api/\(resource)/:pk/") { _ in .text("update") }
            router.get("/api/\(resource)/:pk/metadata/") { _ in .text("metadata") }
            paths += ["/api/\(resource)/", "/api/\(resource)/\(index)/", "/api/\(resource)/\(index)/metadata/"]
            index += 1
        }
        return (router, paths)
    }

    func testLookupCostDoesNotGrowWithTheNumberOfRoutes() {
        let (small, smallPaths) = apiRouter(10)
        let (large, largePaths) = apiRouter(300)
        // The same paths (those of the first resources) are looked up in both routers.
        let paths = Array(smallPaths.prefix(6)) + Array(largePaths.suffix(3))
        let smallPathsOnly = Array(smallPaths.prefix(6))
        _ = timePerLookup(paths) { large.match(method: .GET, path: $0) }
        let treeSmall = timePerLookup(smallPathsOnly) { small.match(method: .GET, path: $0) }
        let treeLarge = timePerLookup(paths) { large.match(method: .GET, path: $0) }
        let linearLarge = timePerLookup(paths) { self.linearMatch(large, method: .GET, path: $0) }
        print("router lookup, ns per request: tree 10 routes \(Int(treeSmall)), tree 300 routes \(Int(treeLarge)), linear 300 routes \(Int(linearLarge))")
        XCTAssertLessThan(treeLarge, treeSmall * 3, "300 routes must cost about what 10 do")
        XCTAssertLessThan(treeLarge * 5, linearLarge, "the tree must beat the linear scan over 300 routes")
    }
}
