import XCTest
@testable import Redis

final class ConnectBackoffTests: XCTestCase {
    private let second: UInt64 = 1_000_000_000

    func testConnectsFreelyWhileHealthy() {
        var backoff = ConnectBackoff(intervalNanoseconds: second)
        XCTAssertEqual(backoff.decide(now: 0), .connect)
        XCTAssertEqual(backoff.decide(now: 0), .connect, "concurrent connects are fine while healthy")
        XCTAssertEqual(backoff.connectSucceeded(), .none)
        XCTAssertEqual(backoff.state, .open)
    }

    func testFailsFastForTheIntervalAfterAFailure() {
        var backoff = ConnectBackoff(intervalNanoseconds: second)
        XCTAssertEqual(backoff.decide(now: 10), .connect)
        XCTAssertEqual(backoff.connectFailed(now: 10, reason: "refused"), .startedBackingOff)
        XCTAssertEqual(backoff.decide(now: 10), .failFast(lastFailure: "refused"))
        XCTAssertEqual(backoff.decide(now: 10 + second - 1), .failFast(lastFailure: "refused"))
        XCTAssertEqual(backoff.remaining(now: 10 + second / 2), second / 2)
        XCTAssertEqual(backoff.remaining(now: 10 + second), 0)
    }

    func testOneProbeAfterTheInterval() {
        var backoff = ConnectBackoff(intervalNanoseconds: second)
        _ = backoff.connectFailed(now: 0, reason: "refused")
        XCTAssertEqual(backoff.decide(now: second), .connect, "the first caller after the interval probes")
        XCTAssertEqual(backoff.state, .probing(lastFailure: "refused"))
        XCTAssertEqual(backoff.decide(now: second + 1), .failFast(lastFailure: "refused"), "others fail while it probes")
        XCTAssertEqual(backoff.connectSucceeded(), .recovered)
        XCTAssertEqual(backoff.decide(now: second + 2), .connect)
    }

    func testAFailedProbeStartsAnotherInterval() {
        var backoff = ConnectBackoff(intervalNanoseconds: second)
        _ = backoff.connectFailed(now: 0, reason: "refused")
        XCTAssertEqual(backoff.decide(now: 3 * second), .connect)
        XCTAssertEqual(backoff.connectFailed(now: 3 * second, reason: "timed out"), .none, "still down: nothing new to log")
        XCTAssertEqual(backoff.decide(now: 4 * second - 1), .failFast(lastFailure: "timed out"))
        XCTAssertEqual(backoff.decide(now: 4 * second), .connect)
    }
}
