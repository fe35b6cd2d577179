import Daemon
import Glibc
import XCTest
@testable import HTTP

/// `.deferred` routes: called on the event loop, answered later from another thread.
final class DeferredHandlerTests: XCTestCase {
    /// A router whose `/later/:ms` answers after `ms` milliseconds from a thread of its own.
    private func laterRouter() -> Router {
        let router = Router()
        router.addDeferred(.GET, "/later/:ms") { request, responder in
            let delay = UInt32(request.pathParameters["ms"] ?? "0") ?? 0
            let path = request.path
            startThread(name: "answer") {
                usleep(delay * 1000)
                responder.respond(.text("answered \(path)"))
                responder.respond(.text("a second answer is ignored"))
            }
        }
        return router
    }

    func testAnswerFromAnotherThreadReachesTheClientInOrder() throws {
        let server = try RunningServer(router: laterRouter())
        defer { server.stop() }
        let client = try server.connect()
        // Pipelined: the slower first answer still comes first.
        client.send("GET /later/80 HTTP/1.1\r\nHost: x\r\n\r\nGET /later/1 HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.text, "answered /later/80")
        XCTAssertEqual(client.readResponse()?.text, "answered /later/1")
    }

    func testClientGoneBeforeTheAnswerLeavesTheServerWell() throws {
        let server = try RunningServer(router: laterRouter())
        defer { server.stop() }
        let early = try server.connect()
        early.send("GET /later/100 HTTP/1.1\r\nHost: x\r\n\r\n")
        usleep(20_000)
        early.close()
        usleep(150_000)
        let client = try server.connect()
        client.send("GET /later/0 HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.status, 200)
    }

    func testRouterRespondWaitsForADeferredAnswer() {
        let response = laterRouter().respond(to: HTTPRequest(method: .GET, path: "/later/10"))
        XCTAssertEqual(String(decoding: { if case .bytes(let b) = response.body { return b }; return [] }(), as: UTF8.self),
                       "answered /later/10")
    }
}
