import Auth
import XCTest

final class RateLimitStateTests: XCTestCase {
    func testRefusesAtTheLimitUntilTheWindowCloses() {
        var counter = FixedWindowCounter(limit: 3, window: 100)
        XCTAssertEqual(counter.check(at: 0), .allowed)
        XCTAssertEqual(counter.recordFailure(at: 10), .allowed)
        XCTAssertEqual(counter.recordFailure(at: 20), .allowed)
        XCTAssertEqual(counter.recordFailure(at: 30), .refused(retryAfter: 80))
        XCTAssertEqual(counter.check(at: 109), .refused(retryAfter: 1))
        XCTAssertFalse(counter.isIdle(at: 109))
        XCTAssertEqual(counter.check(at: 110), .allowed)
        XCTAssertEqual(counter.failures, 0)
    }

    func testTheWindowOpensAtTheFirstFailureAndIsFixed() {
        var counter = FixedWindowCounter(limit: 2, window: 100)
        counter.recordFailure(at: 50)
        XCTAssertEqual(counter.windowStart, 50)
        // A failure after the window closed opens a new window instead of adding to the old one.
        XCTAssertEqual(counter.recordFailure(at: 160), .allowed)
        XCTAssertEqual(counter.windowStart, 160)
        XCTAssertEqual(counter.failures, 1)
        XCTAssertEqual(counter.recordFailure(at: 170), .refused(retryAfter: 90))
    }

    func testResetClears() {
        var counter = FixedWindowCounter(limit: 1, window: 100)
        XCTAssertEqual(counter.recordFailure(at: 0), .refused(retryAfter: 100))
        counter.reset()
        XCTAssertEqual(counter.check(at: 1), .allowed)
        XCTAssertTrue(counter.isIdle(at: 1))
    }

    func testDecisionFromRedisState() {
        XCTAssertEqual(FixedWindowCounter.decision(failures: 4, limit: 5, remaining: 1000), .allowed)
        XCTAssertEqual(FixedWindowCounter.decision(failures: 5, limit: 5, remaining: 1000), .refused(retryAfter: 1000))
        XCTAssertEqual(FixedWindowCounter.decision(failures: 5, limit: 5, remaining: 0), .allowed)
    }
}
