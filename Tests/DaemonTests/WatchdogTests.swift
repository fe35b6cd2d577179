import Daemon
import TestSupport
import XCTest

final class WatchdogStateMachineTests: XCTestCase {
    let ms: UInt64 = 1_000_000

    func testPingsEveryHalfIntervalWhileAlive() {
        var machine = WatchdogStateMachine(interval: .milliseconds(200), participants: [1])
        XCTAssertTrue(machine.alive(participant: 1, now: 0), "the first report pings at once")
        XCTAssertFalse(machine.alive(participant: 1, now: 50 * ms))
        XCTAssertFalse(machine.alive(participant: 1, now: 99 * ms))
        XCTAssertTrue(machine.alive(participant: 1, now: 100 * ms))
        XCTAssertFalse(machine.alive(participant: 1, now: 150 * ms))
        XCTAssertTrue(machine.alive(participant: 1, now: 260 * ms))
    }

    func testEveryParticipantMustReportBeforeAPing() {
        var machine = WatchdogStateMachine(interval: .milliseconds(200), participants: [1, 2])
        XCTAssertFalse(machine.alive(participant: 1, now: 0))
        XCTAssertTrue(machine.alive(participant: 2, now: 1 * ms))
        // Loop 2 is stuck: loop 1 alone never pings again.
        for step in 1...20 {
            XCTAssertFalse(machine.alive(participant: 1, now: UInt64(step) * 50 * ms))
        }
        XCTAssertTrue(machine.alive(participant: 2, now: 1_100 * ms))
    }

    func testUnknownAndUnregisteredParticipants() {
        var machine = WatchdogStateMachine(interval: .milliseconds(200))
        XCTAssertFalse(machine.alive(participant: 5, now: 0), "a loop that never registered does not count")
        machine.register(1)
        machine.register(2)
        XCTAssertFalse(machine.alive(participant: 1, now: 0))
        machine.unregister(2)
        XCTAssertTrue(machine.alive(participant: 1, now: 1 * ms), "a finished loop no longer holds the pings back")
        XCTAssertEqual(machine.pingPeriod, 100 * ms)
    }

    func testWatchdogSendsOnlyWhenAllLoopsReport() throws {
        let recorder = try NotifyRecorder()
        let watchdog = Watchdog(notifier: Notifier(socketPath: recorder.path, watchdogInterval: .milliseconds(40)))
        XCTAssertEqual(watchdog.pollTimeout, .milliseconds(10))
        XCTAssertEqual(watchdog.pollTimeoutMilliseconds, 10)
        let first = watchdog.register("first")
        let second = watchdog.register("second")
        watchdog.alive(first)
        watchdog.alive(second)
        XCTAssertTrue(recorder.waitFor("WATCHDOG=1", timeout: 5))
        for _ in 0..<10 {
            watchdog.alive(first)
            usleep(10_000)
        }
        usleep(50_000)
        XCTAssertEqual(recorder.count(of: "WATCHDOG=1"), 1, "the second loop stopped reporting, so no more pings")
        watchdog.alive(second)
        XCTAssertTrue(recorder.waitFor("WATCHDOG=1", count: 2, timeout: 5))
    }

    func testWatchdogWithoutIntervalIsOff() {
        let watchdog = Watchdog(notifier: Notifier(socketPath: nil))
        XCTAssertFalse(watchdog.isEnabled)
        XCTAssertNil(watchdog.pollTimeout)
        XCTAssertEqual(watchdog.pollTimeoutMilliseconds, -1)
        watchdog.alive(watchdog.register("loop"))
    }
}
