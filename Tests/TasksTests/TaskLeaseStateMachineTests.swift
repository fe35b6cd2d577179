import Daemon
@testable import Tasks
import XCTest

final class TaskLeaseStateMachineTests: XCTestCase {
    let second: UInt64 = 1_000_000_000
    let policy = TaskLeaseStateMachine.Policy(leaseDuration: .seconds(30), backoffBase: .seconds(2),
                                               backoffCap: .seconds(60), jitter: 0.5)

    func machine(attempt: Int = 1, maxAttempts: Int = 3, timeLimit: Duration = .seconds(100)) -> TaskLeaseStateMachine {
        TaskLeaseStateMachine(policy: policy, attempt: attempt, maxAttempts: maxAttempts, timeLimit: timeLimit, claimedAt: 0)
    }

    func testRetryDelayDoublesUpToTheCapWithJitterInsideItsBand() {
        let noJitter = TaskLeaseStateMachine.Policy(backoffBase: .seconds(2), backoffCap: .seconds(60), jitter: 0)
        XCTAssertEqual(noJitter.retryDelay(afterAttempt: 1, random: 0.9), .seconds(2))
        XCTAssertEqual(noJitter.retryDelay(afterAttempt: 2, random: 0.9), .seconds(4))
        XCTAssertEqual(noJitter.retryDelay(afterAttempt: 4, random: 0.9), .seconds(16))
        XCTAssertEqual(noJitter.retryDelay(afterAttempt: 10, random: 0.9), .seconds(60))
        XCTAssertEqual(noJitter.retryDelay(afterAttempt: 1000, random: 0.9), .seconds(60))
        // Half jitter: the delay lies between half and all of the computed one.
        XCTAssertEqual(policy.retryDelay(afterAttempt: 3, random: 0), .seconds(4))
        XCTAssertEqual(policy.retryDelay(afterAttempt: 3, random: 1), .seconds(8))
        XCTAssertEqual(policy.retryDelay(afterAttempt: 3, random: 0.5), .seconds(6))
    }

    func testLeaseIsRenewedAfterAThirdOfItAndNotBefore() {
        var task = machine()
        XCTAssertEqual(task.tick(now: 9 * second), .none)
        XCTAssertEqual(task.tick(now: 10 * second), .renewLease)
        XCTAssertEqual(task.renewed(held: true, now: 10 * second), .none)
        XCTAssertEqual(task.tick(now: 19 * second), .none)
        task.started(now: 19 * second)
        XCTAssertEqual(task.tick(now: 20 * second), .renewLease)
    }

    func testALostLeaseAbandonsTheRunAndItsOutcomeIsDropped() {
        var task = machine()
        task.started(now: second)
        XCTAssertEqual(task.tick(now: 11 * second), .renewLease)
        XCTAssertEqual(task.renewed(held: false, now: 11 * second), .abandon)
        XCTAssertEqual(task.finished(.succeeded(result: "done"), random: 0.5), .none)
        XCTAssertEqual(task.tick(now: 50 * second), .none)
        XCTAssertEqual(task.state, .settled)
    }

    func testSuccessCompletes() {
        var task = machine()
        task.started(now: 0)
        XCTAssertEqual(task.finished(.succeeded(result: "ok"), random: 0.5), .complete(result: "ok"))
        XCTAssertEqual(task.finished(.succeeded(result: "again"), random: 0.5), .none)
    }

    func testFailureRetriesWithBackoffUntilTheLastAttemptThenFails() {
        var first = machine(attempt: 1, maxAttempts: 3)
        XCTAssertEqual(first.finished(.failed(error: "boom", context: "ctx"), random: 1),
                       .retry(delay: .seconds(2), error: "boom", context: "ctx"))
        var second = machine(attempt: 2, maxAttempts: 3)
        XCTAssertEqual(second.finished(.failed(error: "boom", context: "ctx"), random: 1),
                       .retry(delay: .seconds(4), error: "boom", context: "ctx"))
        var last = machine(attempt: 3, maxAttempts: 3)
        XCTAssertEqual(last.finished(.failed(error: "boom", context: "ctx"), random: 1), .fail(error: "boom", context: "ctx"))
    }

    func testARunPastItsTimeLimitFailsAndTheLateOutcomeIsDropped() {
        var task = machine(attempt: 1, maxAttempts: 2, timeLimit: .seconds(5))
        task.started(now: second)
        XCTAssertEqual(task.tick(now: 5 * second), .none)
        guard case .retry(_, let error, _) = task.tick(now: 6 * second) else {
            return XCTFail("expected a retry after the time limit")
        }
        XCTAssertEqual(error, "time limit of 5 s exceeded")
        XCTAssertEqual(task.finished(.succeeded(result: nil), random: 0.5), .none)
    }

    func testAClockReadBeforeTheStartIsNoTimeAtAll() {
        var task = machine(timeLimit: .seconds(5))
        task.started(now: 5 * second)
        XCTAssertEqual(task.tick(now: 4 * second), .none)
        XCTAssertEqual(task.renewed(held: true, now: 9 * second), .none)
        XCTAssertEqual(task.tick(now: 8 * second), .none)
    }

    func testTheTimeLimitDoesNotCountWhileWaitingForAThread() {
        var task = machine(timeLimit: .seconds(5))
        XCTAssertEqual(task.tick(now: 6 * second), .none)
    }

    func testGivingBackReleasesOnceAndNotAfterTheOutcome() {
        var waiting = machine()
        XCTAssertEqual(waiting.giveBack(), .release(delay: .zero))
        XCTAssertEqual(waiting.giveBack(), .none)
        var done = machine()
        _ = done.finished(.succeeded(result: nil), random: 0)
        XCTAssertEqual(done.giveBack(), .none)
    }

    func testArrayLiteralQuotesEveryElement() {
        XCTAssertEqual(TaskLeases.arrayLiteral(["a", "b\"c", "d\\e"]), #"{"a","b\"c","d\\e"}"#)
        XCTAssertEqual(TaskLeases.arrayLiteral([]), "{}")
    }
}
