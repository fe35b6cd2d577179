import XCTest
@testable import HTTP

final class LoopYieldPolicyTests: XCTestCase {
    private let microsecond: UInt64 = 1000

    func testABusyLoopYieldsOncePerInterval() {
        var policy = LoopYieldPolicy(interval: 200 * microsecond, now: 0)
        // Each epoll_wait returns at once with events: the loop never blocks.
        var yields: [UInt64] = []
        var now: UInt64 = 0
        for _ in 0..<100 {
            policy.woke(events: 3, waited: 2 * microsecond, now: now)
            now += 30 * microsecond
            if policy.shouldYield(now: now) { yields.append(now / microsecond) }
        }
        XCTAssertEqual(yields, [210, 420, 630, 840, 1050, 1260, 1470, 1680, 1890, 2100, 2310, 2520, 2730, 2940])
    }

    func testALoopThatBlocksOrFindsNothingNeverYields() {
        var policy = LoopYieldPolicy(interval: 200 * microsecond, now: 0)
        var now: UInt64 = 0
        for round in 0..<100 {
            // Every other wait blocks (longer than the threshold) or returns no events.
            if round % 2 == 0 {
                policy.woke(events: 1, waited: LoopYieldPolicy.blockedWait + 1, now: now)
            } else {
                policy.woke(events: 0, waited: 0, now: now)
            }
            now += 150 * microsecond
            XCTAssertFalse(policy.shouldYield(now: now), "round \(round)")
        }
    }

    func testAZeroIntervalNeverYields() {
        var policy = LoopYieldPolicy(interval: 0, now: 0)
        XCTAssertFalse(policy.isEnabled)
        policy.woke(events: 5, waited: 0, now: 1)
        XCTAssertFalse(policy.shouldYield(now: 1_000_000_000))
    }
}
