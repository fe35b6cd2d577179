import Glibc
import XCTest
@testable import HTTP

/// Blocking routes with a fast path: tried on the event loop, a nil answer goes to the worker pool.
final class FastPathTests: XCTestCase {
    /// `/maybe/:answer`: the fast path answers when `answer` is `fast`; every handler says which thread it ran on.
    private func maybeRouter() -> Router {
        let router = Router()
        router.add(.GET, "/maybe/:answer", fast: { request in
            guard request.pathParameters["answer"] == "fast" else { return nil }
            return .text("fast on \(Self.threadKind())")
        }, blocking: { request in
            .text("blocking \(request.pathParameters["answer"] ?? "") on \(Self.threadKind())")
        })
        return router
    }

    private static func threadKind() -> String { EventLoop.current == nil ? "another thread" : "the event loop" }

    func testAFastAnswerIsSentFromTheEventLoop() throws {
        let server = try RunningServer(router: maybeRouter())
        defer { server.stop() }
        let client = try server.connect()
        client.send("GET /maybe/fast HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.text, "fast on the event loop")
    }

    func testNilFromTheFastPathRunsTheBlockingHandlerOnTheWorkerPool() throws {
        let server = try RunningServer(router: maybeRouter())
        defer { server.stop() }
        let client = try server.connect()
        client.send("GET /maybe/slow HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.text, "blocking slow on another thread")
    }

    func testPipelinedFastAndBlockingAnswersKeepTheirOrder() throws {
        let server = try RunningServer(router: maybeRouter())
        defer { server.stop() }
        let client = try server.connect()
        client.send("GET /maybe/slow HTTP/1.1\r\nHost: x\r\n\r\nGET /maybe/fast HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.text, "blocking slow on another thread")
        XCTAssertEqual(client.readResponse()?.text, "fast on the event loop")
    }

    func testRouterRespondOutsideTheEngineUsesTheBlockingHandler() {
        let route = maybeRouter().routes[0]
        XCTAssertEqual(route.mode, .blocking)
        XCTAssertNotNil(route.fastPath)
        let response = maybeRouter().respond(to: HTTPRequest(method: .GET, path: "/maybe/fast"))
        guard case .bytes(let body) = response.body else { return XCTFail("expected a body, got \(response.body)") }
        XCTAssertEqual(String(decoding: body, as: UTF8.self), "blocking fast on another thread")
    }
}
