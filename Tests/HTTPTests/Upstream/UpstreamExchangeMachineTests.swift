import Glibc
import XCTest
@testable import HTTP

/// The in-loop upstream exchange's state machine, without sockets or clocks.
final class UpstreamExchangeMachineTests: XCTestCase {
    private let address = UpstreamAddress.unix(path: "/run/test/web.sock")

    private func machine(method: String = "GET", pooled: Bool = true, limit: Int = 64 * 1024) -> UpstreamExchangeMachine {
        var configuration = UpstreamConfiguration()
        configuration.connectTimeout = 2
        configuration.responseHeadTimeout = 30
        configuration.idleTimeout = 7
        return UpstreamExchangeMachine(address: address, configuration: configuration, method: method,
                                       isIdempotent: ["GET", "HEAD", "PUT", "DELETE"].contains(method),
                                       wholeBodyLimit: limit, pooled: pooled)
    }

    private func feed(_ machine: inout UpstreamExchangeMachine, _ text: String) -> UpstreamExchangeMachine.Action {
        Array(text.utf8).withUnsafeBytes { machine.received($0) }
    }

    private func failure(_ action: UpstreamExchangeMachine.Action) -> UpstreamFailure? {
        if case .fail(let failure) = action { return failure }
        return nil
    }

    func testPooledExchangeWritesAtOnceThenCompletesWithTheWholeBody() {
        var exchange = machine()
        XCTAssertEqual(exchange.phase, .writing)
        XCTAssertEqual(exchange.timeout, 7, "writing may stall for the idle timeout")
        guard case .wait = exchange.requestWritten() else { return XCTFail("nothing to do until the answer comes") }
        XCTAssertEqual(exchange.timeout, 30, "the head is awaited for the response head timeout")
        guard case .wait = feed(&exchange, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhe") else {
            return XCTFail("a partial body is awaited")
        }
        XCTAssertEqual(exchange.timeout, 7, "once the head is in, the body may stall for the idle timeout")
        guard case .complete(let head, let body, let reuse) = feed(&exchange, "llo") else { return XCTFail("not complete") }
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(body, Array("hello".utf8))
        XCTAssertTrue(reuse, "an HTTP/1.1 response with a length leaves the connection reusable")
        XCTAssertEqual(exchange.phase, .done)
    }

    func testFreshConnectionWaitsForTheConnectAndReportsItsError() {
        var exchange = machine(pooled: false)
        XCTAssertEqual(exchange.phase, .connecting)
        XCTAssertEqual(exchange.timeout, 2)
        guard case .wait = exchange.connectStarted(inProgress: true) else { return XCTFail("a connect in progress is awaited") }
        let refused = failure(exchange.connectFinished(errorCode: ECONNREFUSED))
        XCTAssertEqual(refused?.status, 502)
        XCTAssertEqual(refused?.message, "upstream unavailable: connect to unix:/run/test/web.sock failed: Connection refused")

        var immediate = machine(pooled: false)
        guard case .write = immediate.connectStarted(inProgress: false) else { return XCTFail("a finished connect writes") }
        var down = machine(pooled: false)
        let failure = UpstreamFailure(kind: .unavailable, message: "upstream unavailable: connect to x failed: No such file or directory")
        XCTAssertEqual(self.failure(down.connectFailed(failure)), failure)
    }

    func testStaleConnectionIsRetriedOnceForIdempotentRequestsOnly() {
        var get = machine()
        _ = get.requestWritten()
        guard case .reconnect = get.peerClosed() else { return XCTFail("a pooled connection closed before any byte is retried") }
        XCTAssertEqual(get.phase, .connecting)
        XCTAssertFalse(get.reused)
        guard case .write = get.connectStarted(inProgress: false) else { return XCTFail("the retry writes again") }
        _ = get.requestWritten()
        let second = failure(get.peerClosed())
        XCTAssertEqual(second?.message, "upstream unavailable: unix:/run/test/web.sock closed the connection before responding",
                       "only once")

        var post = machine(method: "POST")
        _ = post.requestWritten()
        XCTAssertEqual(failure(post.readFailed(errorCode: ECONNRESET))?.status, 502, "a POST is never sent twice")

        var writing = machine()
        guard case .reconnect = writing.writeFailed("Broken pipe", retryable: true) else { return XCTFail("EPIPE on a pooled GET retries") }
        var bodyFile = machine(method: "PUT")
        XCTAssertEqual(failure(bodyFile.writeFailed("the request body file ended early", retryable: false))?.message,
                       "upstream unavailable: writing the request to unix:/run/test/web.sock failed: the request body file ended early")
    }

    func testUpstreamClosingMidResponseIsA502AndNotRetried() {
        var exchange = machine()
        _ = exchange.requestWritten()
        _ = feed(&exchange, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
        let cut = failure(exchange.peerClosed())
        XCTAssertEqual(cut?.status, 502)
        XCTAssertTrue(cut?.message.contains("inside the response body") == true, "\(String(describing: cut))")
    }

    func testLargeChunkedAndCloseDelimitedBodiesAreHandedOverForStreaming() {
        var large = machine(limit: 4)
        _ = large.requestWritten()
        guard case .stream(let head, let events) = feed(&large, "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nabcd") else {
            return XCTFail("a body over the limit is streamed")
        }
        XCTAssertEqual(head.framing, .contentLength(8))
        XCTAssertEqual(events, [.body(Array("abcd".utf8))], "what arrived with the head goes along")
        XCTAssertEqual(large.phase, .done)

        var chunked = machine()
        _ = chunked.requestWritten()
        guard case .stream(let chunkedHead, _) = feed(&chunked, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n") else {
            return XCTFail("a chunked body is streamed")
        }
        XCTAssertEqual(chunkedHead.framing, .chunked)

        var untilClose = machine()
        _ = untilClose.requestWritten()
        guard case .stream = feed(&untilClose, "HTTP/1.1 200 OK\r\n\r\n") else { return XCTFail("a close-delimited body is streamed") }
    }

    func testHeadAnswerAndConnectionCloseAndMalformedResponses() {
        var head = machine(method: "HEAD")
        _ = head.requestWritten()
        guard case .complete(_, let body, let reuse) = feed(&head, "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n") else {
            return XCTFail("a HEAD answer has no body")
        }
        XCTAssertEqual(body, [])
        XCTAssertTrue(reuse)

        var closing = machine()
        _ = closing.requestWritten()
        guard case .complete(_, _, let closingReuse) = feed(&closing, "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n") else {
            return XCTFail("not complete")
        }
        XCTAssertFalse(closingReuse, "Connection: close uses up the connection")

        var malformed = machine()
        _ = malformed.requestWritten()
        let bad = failure(feed(&malformed, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"))
        XCTAssertEqual(bad?.kind, .invalidResponse)
        XCTAssertEqual(bad?.status, 502)
    }

    func testEachPhaseTimesOutWithItsOwnMessage() {
        var connecting = machine(pooled: false)
        XCTAssertEqual(failure(connecting.timedOut())?.message,
                       "upstream timed out: connect to unix:/run/test/web.sock took longer than 2 s")
        var writing = machine()
        XCTAssertEqual(failure(writing.timedOut())?.status, 504)
        var waiting = machine()
        _ = waiting.requestWritten()
        XCTAssertEqual(failure(waiting.timedOut())?.message, "upstream timed out: no response head from unix:/run/test/web.sock within 30 s")
        guard case .wait = waiting.timedOut() else { return XCTFail("a finished exchange ignores further events") }
    }
}
