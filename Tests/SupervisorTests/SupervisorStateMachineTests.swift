import Glibc
import XCTest
@testable import Supervisor

final class SupervisorStateMachineTests: XCTestCase {
    typealias Machine = SupervisorStateMachine
    typealias Action = SupervisorStateMachine.Action

    private func machine(_ names: [String] = ["proxy", "web"], watchdog: Duration? = nil) -> Machine {
        Machine(configuration: .init(
            names: names, startTimeout: .seconds(5), stopTimeout: .seconds(3), watchdogInterval: watchdog,
            backoff: RestartBackoff(initial: .milliseconds(100), maximum: .seconds(1), resetAfter: .seconds(10)),
            address: "http://127.0.0.1:8000"))
    }

    private func reports(_ actions: [Action]) -> [String] {
        actions.compactMap { if case .report(let line) = $0 { return line } else { return nil } }
    }

    private func nonReports(_ actions: [Action]) -> [Action] {
        actions.filter { if case .report = $0 { return false } else { return true } }
    }

    private let ready: NotifyMessage = { var message = NotifyMessage(); message.ready = true; return message }()
    private let ping: NotifyMessage = { var message = NotifyMessage(); message.watchdog = true; return message }()

    /// Both daemons spawned (proxy = 101, web = 102) and ready at t = 1s.
    private func running(watchdog: Duration? = nil) -> Machine {
        var machine = machine(watchdog: watchdog)
        _ = machine.handle(.startRequested, at: .zero)
        _ = machine.handle(.spawned(daemon: 0, pid: 101), at: .zero)
        _ = machine.handle(.spawned(daemon: 1, pid: 102), at: .zero)
        _ = machine.handle(.notified(daemon: 0, message: ready), at: .seconds(1))
        _ = machine.handle(.notified(daemon: 1, message: ready), at: .seconds(1))
        return machine
    }

    func testStartSpawnsEveryDaemonAndReportsReadinessThenTheAddress() {
        var machine = machine()
        XCTAssertEqual(machine.handle(.startRequested, at: .zero), [.spawn(daemon: 0), .spawn(daemon: 1)])
        XCTAssertEqual(machine.state(of: 0), .spawning)
        XCTAssertEqual(machine.handle(.spawned(daemon: 0, pid: 101), at: .zero), [.report("started proxy (pid 101)")])
        XCTAssertEqual(machine.state(of: 0), .starting(pid: 101, since: .zero))
        _ = machine.handle(.spawned(daemon: 1, pid: 102), at: .milliseconds(1))
        XCTAssertEqual(machine.handle(.notified(daemon: 1, message: ready), at: .milliseconds(50)),
                       [.report("web is ready (1 of 2)")])
        XCTAssertEqual(machine.state(of: 1), .ready(pid: 102, since: .milliseconds(50)))
        XCTAssertEqual(reports(machine.handle(.notified(daemon: 0, message: ready), at: .milliseconds(60))),
                       ["proxy is ready (2 of 2)", "all 2 daemons ready on http://127.0.0.1:8000; press Ctrl-C to stop"])
    }

    func testASecondStartRequestDoesNothing() {
        var machine = machine()
        _ = machine.handle(.startRequested, at: .zero)
        XCTAssertEqual(machine.handle(.startRequested, at: .zero), [])
    }

    func testStatusIsReportedOnlyWhenItChanges() {
        var machine = running()
        var message = NotifyMessage()
        message.status = "warming 10 of 80"
        XCTAssertEqual(machine.handle(.notified(daemon: 1, message: message), at: .seconds(2)),
                       [.report("web status: warming 10 of 80")])
        XCTAssertEqual(machine.handle(.notified(daemon: 1, message: message), at: .seconds(2)), [])
    }

    func testADeadDaemonIsRestartedWithDoublingBackoffUpToTheMaximum() {
        var machine = running()
        XCTAssertEqual(machine.handle(.childExited(pid: 102, status: .exited(1)), at: .seconds(2)),
                       [.report("web exited with status 1; restarting in 100ms")])
        XCTAssertEqual(machine.state(of: 1), .backingOff(until: .seconds(2) + .milliseconds(100)))
        XCTAssertEqual(machine.nextDeadline, .seconds(2) + .milliseconds(100))
        XCTAssertEqual(machine.handle(.tick, at: .seconds(2) + .milliseconds(99)), [])
        XCTAssertEqual(machine.handle(.tick, at: .seconds(2) + .milliseconds(100)), [.spawn(daemon: 1)])

        var now = Duration.seconds(3)
        var delays: [String] = []
        var pid: pid_t = 200
        for _ in 0..<6 {
            _ = machine.handle(.spawned(daemon: 1, pid: pid), at: now)
            let lines = reports(machine.handle(.childExited(pid: pid, status: .signaled(SIGSEGV)), at: now))
            delays.append(lines.first ?? "")
            now += .seconds(2)
            XCTAssertEqual(machine.handle(.tick, at: now), [.spawn(daemon: 1)])
            pid += 1
        }
        XCTAssertEqual(delays, [
            "web was killed by SIGSEGV; restarting in 200ms",
            "web was killed by SIGSEGV; restarting in 400ms",
            "web was killed by SIGSEGV; restarting in 800ms",
            "web was killed by SIGSEGV; restarting in 1s",
            "web was killed by SIGSEGV; restarting in 1s",
            "web was killed by SIGSEGV; restarting in 1s",
        ])
    }

    func testBackoffResetsAfterADaemonStayedReadyLongEnough() {
        var machine = running()
        _ = machine.handle(.childExited(pid: 102, status: .exited(1)), at: .seconds(2))
        _ = machine.handle(.tick, at: .seconds(3))
        _ = machine.handle(.spawned(daemon: 1, pid: 103), at: .seconds(3))
        XCTAssertEqual(reports(machine.handle(.notified(daemon: 1, message: ready), at: .seconds(3))),
                       ["web is ready again (2 of 2)"])
        XCTAssertEqual(reports(machine.handle(.childExited(pid: 103, status: .exited(1)), at: .seconds(13))),
                       ["web exited with status 1; restarting in 100ms"])
    }

    func testBackoffDoesNotResetForADaemonThatNeverBecameReady() {
        var machine = running()
        _ = machine.handle(.childExited(pid: 102, status: .exited(1)), at: .seconds(2))
        _ = machine.handle(.tick, at: .seconds(3))
        _ = machine.handle(.spawned(daemon: 1, pid: 103), at: .seconds(3))
        XCTAssertEqual(reports(machine.handle(.childExited(pid: 103, status: .exited(1)), at: .seconds(4))),
                       ["web exited with status 1; restarting in 200ms"])
    }

    func testSpawnFailureIsRetriedWithBackoff() {
        var machine = machine()
        _ = machine.handle(.startRequested, at: .zero)
        XCTAssertEqual(machine.handle(.spawnFailed(daemon: 0, reason: "cannot execute /x: No such file"), at: .zero),
                       [.report("proxy could not be started: cannot execute /x: No such file; retrying in 100ms")])
        XCTAssertEqual(machine.handle(.tick, at: .milliseconds(100)), [.spawn(daemon: 0)])
    }

    func testStartTimeoutStopsTheDaemonAndRestartsItAfterItExits() {
        var machine = machine()
        _ = machine.handle(.startRequested, at: .zero)
        _ = machine.handle(.spawned(daemon: 0, pid: 101), at: .zero)
        _ = machine.handle(.spawned(daemon: 1, pid: 102), at: .zero)
        _ = machine.handle(.notified(daemon: 1, message: ready), at: .seconds(1))
        XCTAssertEqual(machine.nextDeadline, .seconds(5))
        XCTAssertEqual(machine.handle(.tick, at: .seconds(4)), [])
        XCTAssertEqual(machine.handle(.tick, at: .seconds(5)), [
            .report("proxy did not report READY=1 within 5s: stopping it"), .signal(pid: 101, signal: SIGTERM)])
        XCTAssertEqual(machine.state(of: 0), .stopping(pid: 101, deadline: .seconds(8), killed: false))
        // READY=1 arriving too late changes nothing.
        XCTAssertEqual(machine.handle(.notified(daemon: 0, message: ready), at: .seconds(6)), [])
        XCTAssertEqual(reports(machine.handle(.childExited(pid: 101, status: .signaled(SIGTERM)), at: .seconds(6))),
                       ["proxy was killed by SIGTERM; restarting in 100ms"])
    }

    func testStopTimeoutSendsSigkill() {
        var machine = machine()
        _ = machine.handle(.startRequested, at: .zero)
        _ = machine.handle(.spawned(daemon: 0, pid: 101), at: .zero)
        _ = machine.handle(.tick, at: .seconds(5))
        XCTAssertEqual(machine.nextDeadline, .seconds(8))
        XCTAssertEqual(machine.handle(.tick, at: .seconds(8)), [
            .report("proxy did not stop within 3s: killing it (SIGKILL)"), .signal(pid: 101, signal: SIGKILL)])
        XCTAssertEqual(machine.state(of: 0), .stopping(pid: 101, deadline: .seconds(8), killed: true))
        XCTAssertEqual(machine.handle(.tick, at: .seconds(20)), [])
    }

    func testWatchdogAbortsASilentDaemonAndItIsRestarted() {
        var machine = running(watchdog: .seconds(2))
        XCTAssertEqual(machine.nextDeadline, .seconds(3))
        _ = machine.handle(.notified(daemon: 0, message: ping), at: .milliseconds(2500))
        XCTAssertEqual(machine.handle(.tick, at: .seconds(3)), [
            .report("web sent no WATCHDOG=1 for 2s: aborting it (SIGABRT)"), .signal(pid: 102, signal: SIGABRT)])
        XCTAssertEqual(machine.state(of: 0), .ready(pid: 101, since: .seconds(1)))
        XCTAssertEqual(machine.nextDeadline, .milliseconds(4500))
        XCTAssertEqual(nonReports(machine.handle(.tick, at: .milliseconds(4500))), [.signal(pid: 101, signal: SIGABRT)])
        XCTAssertEqual(nonReports(machine.handle(.tick, at: .seconds(6))), [.signal(pid: 102, signal: SIGKILL)])
        XCTAssertEqual(reports(machine.handle(.childExited(pid: 102, status: .signaled(SIGKILL)), at: .seconds(6))),
                       ["web was killed by SIGKILL; restarting in 100ms"])
    }

    func testWatchdogTriggerAbortsAtOnce() {
        var machine = running(watchdog: .seconds(2))
        var message = NotifyMessage()
        message.watchdogTrigger = true
        XCTAssertEqual(nonReports(machine.handle(.notified(daemon: 1, message: message), at: .seconds(1))),
                       [.signal(pid: 102, signal: SIGABRT)])
    }

    func testWithoutAWatchdogIntervalSilenceIsFine() {
        var machine = running()
        XCTAssertNil(machine.nextDeadline)
        XCTAssertEqual(machine.handle(.tick, at: .seconds(3600)), [])
    }

    func testReloadAndStoppingAreReported() {
        var machine = running()
        var reloading = NotifyMessage()
        reloading.reloading = true
        XCTAssertEqual(reports(machine.handle(.notified(daemon: 1, message: reloading), at: .seconds(2))),
                       ["web is reloading"])
        XCTAssertEqual(reports(machine.handle(.notified(daemon: 1, message: ready), at: .seconds(2))),
                       ["web finished reloading"])
        var stopping = NotifyMessage()
        stopping.stopping = true
        XCTAssertEqual(reports(machine.handle(.notified(daemon: 1, message: stopping), at: .seconds(2))),
                       ["web is stopping"])
    }

    func testShutdownStopsEveryoneAndExitsZeroWhenAllStopCleanly() {
        var machine = running()
        XCTAssertEqual(machine.handle(.shutdownRequested, at: .seconds(5)), [
            .report("stopping proxy, web (Ctrl-C again to kill)"),
            .signal(pid: 101, signal: SIGTERM), .signal(pid: 102, signal: SIGTERM)])
        XCTAssertTrue(machine.isShuttingDown)
        XCTAssertEqual(machine.handle(.childExited(pid: 101, status: .exited(0)), at: .seconds(5)),
                       [.report("proxy stopped")])
        XCTAssertEqual(machine.state(of: 0), .exited(.exited(0)))
        XCTAssertEqual(machine.handle(.childExited(pid: 102, status: .signaled(SIGTERM)), at: .seconds(6)),
                       [.report("web stopped"), .report("all daemons stopped"), .exit(status: 0)])
        XCTAssertEqual(machine.handle(.tick, at: .seconds(7)), [])
    }

    func testShutdownExitsOneWhenADaemonNeededSigkill() {
        var machine = running()
        _ = machine.handle(.shutdownRequested, at: .seconds(5))
        _ = machine.handle(.childExited(pid: 101, status: .exited(0)), at: .seconds(5))
        XCTAssertEqual(nonReports(machine.handle(.tick, at: .seconds(8))), [.signal(pid: 102, signal: SIGKILL)])
        XCTAssertEqual(nonReports(machine.handle(.childExited(pid: 102, status: .signaled(SIGKILL)), at: .seconds(8))),
                       [.exit(status: 1)])
    }

    func testShutdownExitsOneWhenADaemonExitedWithAnErrorWhileStopping() {
        var machine = running()
        _ = machine.handle(.shutdownRequested, at: .seconds(5))
        _ = machine.handle(.childExited(pid: 101, status: .exited(0)), at: .seconds(5))
        XCTAssertEqual(machine.handle(.childExited(pid: 102, status: .exited(3)), at: .seconds(5)), [
            .report("web exited with status 3 while stopping"),
            .report("all daemons stopped, not all cleanly"), .exit(status: 1)])
    }

    func testSecondShutdownRequestKillsAtOnce() {
        var machine = running()
        _ = machine.handle(.shutdownRequested, at: .seconds(5))
        _ = machine.handle(.childExited(pid: 101, status: .exited(0)), at: .seconds(5))
        XCTAssertEqual(machine.handle(.shutdownRequested, at: .seconds(6)), [
            .report("killing web (SIGKILL)"), .signal(pid: 102, signal: SIGKILL)])
        XCTAssertEqual(machine.handle(.shutdownRequested, at: .seconds(6)), [])
        XCTAssertEqual(nonReports(machine.handle(.childExited(pid: 102, status: .signaled(SIGKILL)), at: .seconds(6))),
                       [.exit(status: 1)])
    }

    func testShutdownWhileBackingOffDoesNotRestart() {
        var machine = running()
        _ = machine.handle(.childExited(pid: 102, status: .exited(1)), at: .seconds(2))
        XCTAssertEqual(nonReports(machine.handle(.shutdownRequested, at: .seconds(2))), [.signal(pid: 101, signal: SIGTERM)])
        XCTAssertEqual(machine.state(of: 1), .exited(nil))
        XCTAssertEqual(machine.handle(.tick, at: .seconds(3)), [])
        XCTAssertEqual(nonReports(machine.handle(.childExited(pid: 101, status: .exited(0)), at: .seconds(3))),
                       [.exit(status: 0)])
    }

    func testShutdownWhileSpawningStopsTheChildOnceItExists() {
        var machine = machine()
        _ = machine.handle(.startRequested, at: .zero)
        _ = machine.handle(.spawned(daemon: 0, pid: 101), at: .zero)
        XCTAssertEqual(nonReports(machine.handle(.shutdownRequested, at: .zero)), [.signal(pid: 101, signal: SIGTERM)])
        XCTAssertEqual(machine.handle(.spawned(daemon: 1, pid: 102), at: .zero), [.signal(pid: 102, signal: SIGTERM)])
        _ = machine.handle(.childExited(pid: 101, status: .exited(0)), at: .zero)
        XCTAssertEqual(nonReports(machine.handle(.childExited(pid: 102, status: .exited(0)), at: .zero)),
                       [.exit(status: 0)])
    }

    func testShutdownWithNothingRunningExitsAtOnce() {
        var machine = machine()
        XCTAssertEqual(machine.handle(.shutdownRequested, at: .zero),
                       [.report("all daemons stopped"), .exit(status: 0)])
        XCTAssertEqual(machine.handle(.startRequested, at: .zero), [])
    }

    func testShutdownDuringAWatchdogAbortCountsAsUnclean() {
        var machine = running(watchdog: .seconds(2))
        _ = machine.handle(.notified(daemon: 0, message: ping), at: .seconds(2))
        _ = machine.handle(.tick, at: .seconds(3))
        XCTAssertEqual(nonReports(machine.handle(.shutdownRequested, at: .seconds(3))), [.signal(pid: 101, signal: SIGTERM)])
        _ = machine.handle(.childExited(pid: 101, status: .exited(0)), at: .seconds(3))
        XCTAssertEqual(nonReports(machine.handle(.childExited(pid: 102, status: .signaled(SIGABRT)), at: .seconds(3))),
                       [.exit(status: 1)])
    }

    func testUnknownPidsAndDaemonsAreIgnored() {
        var machine = running()
        XCTAssertEqual(machine.handle(.childExited(pid: 999, status: .exited(0)), at: .seconds(2)), [])
        XCTAssertEqual(machine.handle(.notified(daemon: 7, message: ready), at: .seconds(2)), [])
        XCTAssertEqual(machine.handle(.spawned(daemon: 0, pid: 5), at: .seconds(2)), [])
    }

    func testBackoffDelays() {
        let backoff = RestartBackoff(initial: .milliseconds(100), maximum: .seconds(10))
        XCTAssertEqual((0...9).map { backoff.delay(afterFailures: $0) }, [
            .milliseconds(100), .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800),
            .milliseconds(1600), .milliseconds(3200), .milliseconds(6400), .seconds(10), .seconds(10)])
        XCTAssertEqual(backoff.delay(afterFailures: 1000), .seconds(10))
    }

    func testNotifyMessageParsing() {
        let message = NotifyMessage(parsing: "READY=1\nSTATUS=serving on 8000\nWATCHDOG=1\nMAINPID=12\ngarbage\n")
        XCTAssertTrue(message.ready)
        XCTAssertTrue(message.watchdog)
        XCTAssertFalse(message.stopping)
        XCTAssertEqual(message.status, "serving on 8000")
        XCTAssertTrue(NotifyMessage(parsing: "STOPPING=1").stopping)
        XCTAssertTrue(NotifyMessage(parsing: "RELOADING=1").reloading)
        XCTAssertTrue(NotifyMessage(parsing: "WATCHDOG=trigger").watchdogTrigger)
        XCTAssertFalse(NotifyMessage(parsing: "READY=0").ready)
    }

    func testExitStatusDecoding() {
        XCTAssertEqual(ChildExitStatus(waitStatus: 0), .exited(0))
        XCTAssertEqual(ChildExitStatus(waitStatus: 3 << 8), .exited(3))
        XCTAssertEqual(ChildExitStatus(waitStatus: SIGKILL), .signaled(SIGKILL))
        XCTAssertEqual(ChildExitStatus(waitStatus: SIGSEGV | 0x80), .signaled(SIGSEGV))
        XCTAssertEqual(ChildExitStatus.signaled(SIGTERM).description, "was killed by SIGTERM")
    }

    func testOutputLinesArePrefixedWholeLines() {
        var lines = OutputLines(prefix: linePrefix("web", width: 5))
        func feed(_ text: String) -> [String] {
            Array(text.utf8).withUnsafeBufferPointer { lines.append($0) }
        }
        XCTAssertEqual(feed("hel"), [])
        XCTAssertEqual(feed("lo\nwor"), ["web   | hello"])
        XCTAssertEqual(feed("ld\r\n\nx"), ["web   | world", "web   | "])
        XCTAssertEqual(lines.finish(), "web   | x")
        XCTAssertNil(lines.finish())
        let long = feed(String(repeating: "a", count: OutputLines.longestLine + 5))
        XCTAssertEqual(long.count, 1)
        XCTAssertEqual(lines.finish(), "web   | aaaaa")
    }
}
