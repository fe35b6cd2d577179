import Daemon
import Glibc
import XCTest

final class LifecycleStateMachineTests: XCTestCase {
    func testStartThenDrainOnSIGTERM() {
        var machine = LifecycleStateMachine(serviceNames: ["http", "tasks"])
        XCTAssertEqual(machine.handle(.started), [.runServices, .notifyReady(status: "running: http, tasks")])
        XCTAssertEqual(machine.state, .running)
        XCTAssertEqual(machine.handle(.signal(SIGTERM)), [
            .log(.info, "stopping on SIGTERM"), .notifyStopping, .notifyStatus("stopping on SIGTERM"),
            .beginShutdown([0, 1]), .armStopTimeout,
        ])
        XCTAssertEqual(machine.handle(.signal(SIGTERM)), [], "a repeated SIGTERM changes nothing")
        XCTAssertEqual(machine.handle(.serviceFinished(index: 1, error: nil)), [])
        XCTAssertEqual(machine.handle(.serviceFinished(index: 0, error: nil)), [.log(.info, "stopped"), .exit(0)])
        XCTAssertEqual(machine.state, .exited(0))
    }

    func testSecondSIGINTExitsAtOnce() {
        var machine = LifecycleStateMachine(serviceNames: ["http"])
        _ = machine.handle(.started)
        XCTAssertTrue(machine.handle(.signal(SIGINT)).contains(.beginShutdown([0])))
        XCTAssertEqual(machine.handle(.signal(SIGINT)),
                       [.log(.warning, "second SIGINT: exiting without waiting for the drain"), .exit(1)])
    }

    func testStopTimeout() {
        var machine = LifecycleStateMachine(serviceNames: ["http", "tasks"])
        _ = machine.handle(.started)
        _ = machine.handle(.signal(SIGTERM))
        _ = machine.handle(.serviceFinished(index: 0, error: nil))
        XCTAssertEqual(machine.handle(.stopTimeoutExpired), [.log(.error, "stop timeout: still running: tasks; exiting"), .exit(1)])
    }

    func testStopTimeoutIsIgnoredWhileRunning() {
        var machine = LifecycleStateMachine(serviceNames: ["http"])
        _ = machine.handle(.started)
        XCTAssertEqual(machine.handle(.stopTimeoutExpired), [])
    }

    func testReloadThenReadyAgain() {
        var machine = LifecycleStateMachine(serviceNames: ["http"])
        _ = machine.handle(.started)
        XCTAssertEqual(machine.handle(.signal(SIGHUP)), [.log(.info, "reloading on SIGHUP"), .notifyReloading, .reload])
        XCTAssertEqual(machine.state, .reloading)
        XCTAssertEqual(machine.handle(.reloadFinished(error: nil)), [.log(.info, "reloaded"), .notifyReady(status: "running: http")])
        _ = machine.handle(.signal(SIGHUP))
        XCTAssertEqual(machine.handle(.reloadFinished(error: "bad port")), [
            .log(.error, "reload failed, keeping the previous configuration: bad port"), .notifyReady(status: "running: http"),
        ])
        XCTAssertEqual(machine.state, .running)
    }

    func testSIGHUPWhileStoppingIsIgnored() {
        var machine = LifecycleStateMachine(serviceNames: ["http"])
        _ = machine.handle(.started)
        _ = machine.handle(.signal(SIGTERM))
        XCTAssertEqual(machine.handle(.signal(SIGHUP)), [])
    }

    func testServiceEndingUnexpectedlyStopsTheOthersAndExits1() {
        var machine = LifecycleStateMachine(serviceNames: ["http", "tasks", "timer"])
        _ = machine.handle(.started)
        XCTAssertEqual(machine.handle(.serviceFinished(index: 1, error: "database gone")), [
            .log(.critical, "tasks failed: database gone"), .log(.info, "stopping: tasks ended"), .notifyStopping,
            .notifyStatus("stopping: tasks ended"), .beginShutdown([0, 2]), .armStopTimeout,
        ])
        XCTAssertEqual(machine.handle(.serviceFinished(index: 0, error: nil)), [])
        XCTAssertEqual(machine.handle(.serviceFinished(index: 2, error: nil)), [.log(.info, "stopped"), .exit(1)])
    }

    func testLastServiceReturningWithoutErrorIsAlsoAFailure() {
        var machine = LifecycleStateMachine(serviceNames: ["http"])
        _ = machine.handle(.started)
        XCTAssertEqual(machine.handle(.serviceFinished(index: 0, error: nil)), [
            .log(.critical, "http stopped unexpectedly"), .log(.info, "stopping: http ended"), .notifyStopping,
            .notifyStatus("stopping: http ended"), .exit(1),
        ])
    }

    func testServiceFailingDuringTheDrainMakesTheExitStatus1() {
        var machine = LifecycleStateMachine(serviceNames: ["http", "tasks"])
        _ = machine.handle(.started)
        _ = machine.handle(.signal(SIGTERM))
        XCTAssertEqual(machine.handle(.serviceFinished(index: 0, error: "flush failed")),
                       [.log(.error, "http failed while stopping: flush failed")])
        XCTAssertEqual(machine.handle(.serviceFinished(index: 1, error: nil)), [.log(.info, "stopped"), .exit(1)])
    }

    func testStartFailure() {
        var machine = LifecycleStateMachine(serviceNames: ["http"])
        XCTAssertEqual(machine.handle(.startFailed(service: "http", error: "port taken")),
                       [.log(.critical, "http failed to start: port taken"), .exit(1)])
    }

    func testSignalDuringStartStopsRightAfterStart() {
        var machine = LifecycleStateMachine(serviceNames: ["http"])
        XCTAssertEqual(machine.handle(.signal(SIGTERM)), [])
        XCTAssertEqual(machine.handle(.started), [
            .runServices, .notifyReady(status: "running: http"),
            .log(.info, "stopping: a signal arrived during start"), .notifyStopping,
            .notifyStatus("stopping: a signal arrived during start"), .beginShutdown([0]), .armStopTimeout,
        ])
    }
}
