import Foundation
import Glibc
import XCTest
@testable import Supervisor

/// The supervisor with real child processes: shell scripts using `systemd-notify` and python3.
final class SupervisorProcessTests: XCTestCase {
    /// Notifies readiness with systemd-notify, then waits for SIGTERM and exits 0.
    static let wellBehaved = """
        #!/bin/sh
        trap 'echo "got SIGTERM"; exit 0' TERM
        echo "hello from $0"
        systemd-notify --ready --status="serving"
        sleep 1000 &
        wait $!
        """

    func testDaemonsAreReportedReadyAndStoppedCleanlyWithNothingLeftBehind() throws {
        let harness = try SupervisorHarness()
        let script = try harness.script("good", Self.wellBehaved)
        try harness.start([SupervisedDaemon(name: "one", executable: script),
                           SupervisedDaemon(name: "second", executable: script)]) {
            $0.address = "http://127.0.0.1:8000"
        }
        harness.waitForLine(containing: "all 2 daemons ready on http://127.0.0.1:8000")
        let lines = harness.lines
        XCTAssertTrue(lines.contains("one    | hello from \(script)"), "\(lines)")
        XCTAssertTrue(lines.contains("second | hello from \(script)"), "\(lines)")
        XCTAssertTrue(lines.contains("run    | one status: serving"), "\(lines)")
        XCTAssertTrue(lines.contains { $0.hasPrefix("run    | one is ready (") }, "\(lines)")
        let pids = harness.startedPids
        XCTAssertEqual(pids.count, 2)

        XCTAssertEqual(try harness.stop(), 0)
        XCTAssertTrue(harness.lines.contains("one    | got SIGTERM"), "\(harness.lines)")
        XCTAssertEqual(harness.lines.last, "run    | all daemons stopped")
        for pid in pids { XCTAssertFalse(processExists(pid), "pid \(pid) still exists") }
        XCTAssertFalse(FileManager.default.fileExists(atPath: harness.directory + "/run/one.notify"))
    }

    func testSocketsArePassedAtFdThreeWithNamesAndTheChildsOwnPid() throws {
        let harness = try SupervisorHarness()
        let tcp = try listeningTCPSocket()
        defer { close(tcp.fd) }
        let second = try listeningTCPSocket()
        defer { close(second.fd) }
        let child = try harness.script("activated.py", """
            #!/usr/bin/python3
            import os, socket, sys
            checks = {
                "LISTEN_PID": (os.environ.get("LISTEN_PID"), str(os.getpid())),
                "LISTEN_FDS": (os.environ.get("LISTEN_FDS"), "2"),
                "LISTEN_FDNAMES": (os.environ.get("LISTEN_FDNAMES"), "http:control"),
                "STOCKROOM_EXTRA": (os.environ.get("STOCKROOM_EXTRA"), "yes"),
            }
            for key, (got, want) in checks.items():
                if got != want:
                    print(f"{key} is {got!r}, expected {want!r}", flush=True)
                    sys.exit(2)
            http = socket.socket(fileno=3)
            control = socket.socket(fileno=4)
            assert http.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) == 1
            print(f"activated on port {http.getsockname()[1]} and {control.getsockname()[1]}", flush=True)
            notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            notify.sendto(b"READY=1\\nSTATUS=accepting", os.environ["NOTIFY_SOCKET"])
            while True:
                connection, _ = http.accept()
                connection.sendall(f"hello from {os.getpid()}".encode())
                connection.close()
            """)
        try harness.start([SupervisedDaemon(
            name: "py", executable: child, sockets: [(name: "http", fd: tcp.fd), (name: "control", fd: second.fd)],
            environment: ["STOCKROOM_EXTRA": "yes"])])
        harness.waitForLine(containing: "py is ready (1 of 1)")
        XCTAssertTrue(harness.lines.contains("py  | activated on port \(tcp.port) and \(second.port)"), "\(harness.lines)")
        let pid = try XCTUnwrap(harness.startedPids.first)
        XCTAssertEqual(try readAll(fromPort: tcp.port), "hello from \(pid)")
        XCTAssertEqual(try harness.stop(), 0)
        XCTAssertFalse(processExists(pid))
    }

    func testADyingDaemonIsRestartedWithBackoffAndReported() throws {
        let harness = try SupervisorHarness()
        let counter = harness.directory + "/runs"
        let script = try harness.script("crasher", """
            #!/bin/sh
            echo x >> \(counter)
            echo "run $(wc -l < \(counter))"
            systemd-notify --ready
            exit 3
            """)
        try harness.start([SupervisedDaemon(name: "crasher", executable: script)])
        harness.waitForLine(containing: "crasher exited with status 3; restarting in 50ms")
        harness.waitForLine(containing: "crasher exited with status 3; restarting in 100ms")
        harness.waitForLine(containing: "crasher exited with status 3; restarting in 200ms")
        harness.waitForLine(containing: "crasher | run 3")
        XCTAssertGreaterThanOrEqual(harness.startedPids.count, 3)
        XCTAssertEqual(try harness.stop(), 0)
        for pid in harness.startedPids { XCTAssertFalse(processExists(pid)) }
    }

    func testSigtermAndSigintToTheProcessStopTheDaemons() throws {
        func disposition(_ signal: Int32) -> UnsafeRawPointer? {
            var current = sigaction()
            sigaction(signal, nil, &current)
            return unsafeBitCast(current.__sigaction_handler.sa_handler, to: Optional<UnsafeRawPointer>.self)
        }
        let before = [disposition(SIGTERM), disposition(SIGINT)]
        for signal in [SIGTERM, SIGINT] {
            let harness = try SupervisorHarness()
            let script = try harness.script("good", Self.wellBehaved)
            try harness.start([SupervisedDaemon(name: "good", executable: script)])
            harness.waitForLine(containing: "good is ready")
            // A real process-directed signal, as Ctrl-C or `kill` sends it; it reaches the
            // supervisor whichever thread of this test process the kernel delivers it to.
            kill(getpid(), signal)
            XCTAssertEqual(try harness.waitForExit(), 0)
            XCTAssertTrue(harness.lines.contains("good | got SIGTERM"), "\(harness.lines)")
            for pid in harness.startedPids { XCTAssertFalse(processExists(pid)) }
        }
        XCTAssertEqual([disposition(SIGTERM), disposition(SIGINT)], before, "previous signal handlers restored")
    }

    func testADaemonIgnoringSigtermIsKilledAfterTheStopTimeout() throws {
        let harness = try SupervisorHarness()
        let script = try harness.script("stubborn", """
            #!/bin/sh
            trap '' TERM
            systemd-notify --ready
            while :; do sleep 0.05; done
            """)
        let good = try harness.script("good", Self.wellBehaved)
        try harness.start([SupervisedDaemon(name: "stubborn", executable: script),
                           SupervisedDaemon(name: "good", executable: good)]) {
            $0.stopTimeout = .milliseconds(500)
        }
        harness.waitForLine(containing: "all 2 daemons ready")
        let started = Date()
        XCTAssertEqual(try harness.stop(), 1)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.45)
        XCTAssertTrue(harness.lines.contains("run      | stubborn did not stop within 500ms: killing it (SIGKILL)"),
                      "\(harness.lines)")
        XCTAssertTrue(harness.lines.contains("run      | good stopped"), "\(harness.lines)")
        for pid in harness.startedPids { XCTAssertFalse(processExists(pid)) }
    }

    func testASecondShutdownRequestKillsAtOnce() throws {
        let harness = try SupervisorHarness()
        let script = try harness.script("stubborn", """
            #!/bin/sh
            trap '' TERM
            systemd-notify --ready
            while :; do sleep 0.05; done
            """)
        try harness.start([SupervisedDaemon(name: "stubborn", executable: script)]) { $0.stopTimeout = .seconds(60) }
        harness.waitForLine(containing: "stubborn is ready")
        harness.supervisor?.requestShutdown()
        harness.waitForLine(containing: "stopping stubborn")
        XCTAssertEqual(try harness.stop(timeout: 5), 1)
        XCTAssertTrue(harness.lines.contains("run      | killing stubborn (SIGKILL)"), "\(harness.lines)")
    }

    func testProcessesLeftInTheDaemonsGroupAreKilledWhenItExits() throws {
        let harness = try SupervisorHarness()
        let pidFile = harness.directory + "/grandchild"
        let script = try harness.script("forker", """
            #!/bin/sh
            sleep 1000 &
            echo $! > \(pidFile)
            systemd-notify --ready
            exit 0
            """)
        try harness.start([SupervisedDaemon(name: "forker", executable: script)]) {
            $0.restartBackoff = RestartBackoff(initial: .seconds(30), maximum: .seconds(60))
        }
        harness.waitForLine(containing: "forker exited with status 0; restarting in 30s")
        let grandchild = try XCTUnwrap(pid_t(String(contentsOfFile: pidFile, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        // The grandchild is not ours to reap: it was reparented to init (or a subreaper).
        var gone = false
        for _ in 0..<200 where !gone {
            gone = !processExists(grandchild) || processState(grandchild) == "Z"
            usleep(10_000)
        }
        XCTAssertTrue(gone, "grandchild \(grandchild) survived its daemon")
        XCTAssertEqual(try harness.stop(), 0)
    }

    func testStartTimeoutStopsAndRestartsADaemonThatNeverGetsReady() throws {
        let harness = try SupervisorHarness()
        let script = try harness.script("silent", """
            #!/bin/sh
            trap 'exit 0' TERM
            sleep 1000 &
            wait $!
            """)
        try harness.start([SupervisedDaemon(name: "silent", executable: script)]) {
            $0.startTimeout = .seconds(1)
        }
        harness.waitForLine(containing: "silent did not report READY=1 within 1s: stopping it")
        harness.waitForLine(containing: "silent exited with status 0; restarting in 50ms")
        harness.waitForLine { $0.contains("started silent") && !$0.contains("(pid \(harness.startedPids[0]))") }
        XCTAssertEqual(try harness.stop(), 0, "\(harness.lines)")
    }

    func testWatchdogAbortsADaemonThatStopsPinging() throws {
        let harness = try SupervisorHarness()
        let script = try harness.script("pinger.py", """
            #!/usr/bin/python3
            import os, socket, time
            notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            print(f"WATCHDOG_USEC={os.environ.get('WATCHDOG_USEC')}", flush=True)
            notify.sendto(b"READY=1", os.environ["NOTIFY_SOCKET"])
            for _ in range(8):
                notify.sendto(b"WATCHDOG=1", os.environ["NOTIFY_SOCKET"])
                time.sleep(0.1)
            print("stuck", flush=True)
            time.sleep(1000)
            """)
        try harness.start([SupervisedDaemon(name: "pinger", executable: script)]) {
            $0.watchdogInterval = .seconds(1)
        }
        harness.waitForLine(containing: "pinger | WATCHDOG_USEC=1000000")
        harness.waitForLine(containing: "pinger sent no WATCHDOG=1 for 1s: aborting it (SIGABRT)")
        let stuck = try XCTUnwrap(harness.lines.firstIndex(of: "pinger | stuck"))
        let aborted = try XCTUnwrap(harness.lines.firstIndex { $0.contains("aborting it") })
        XCTAssertLessThan(stuck, aborted)
        harness.waitForLine(containing: "pinger was killed by SIGABRT; restarting in 50ms")
        harness.waitForLine(containing: "pinger is ready again")
        XCTAssertEqual(try harness.stop(), 0)
    }

    func testLinesOfConcurrentDaemonsNeverInterleave() throws {
        let harness = try SupervisorHarness()
        let script = try harness.script("chatty.py", """
            #!/usr/bin/python3
            import os, socket, sys
            name = sys.argv[1]
            for i in range(2000):
                # Written in small pieces so that lines straddle reads.
                sys.stdout.write(f"{name} line {i} ")
                sys.stdout.flush()
                sys.stdout.write("x" * 50 + " end\\n")
                sys.stdout.flush()
            socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b"READY=1", os.environ["NOTIFY_SOCKET"])
            import time; time.sleep(1000)
            """)
        try harness.start([SupervisedDaemon(name: "a", executable: script, arguments: ["a"]),
                           SupervisedDaemon(name: "bbb", executable: script, arguments: ["bbb"])])
        harness.waitForLine(containing: "all 2 daemons ready")
        _ = try harness.stop()
        for name in ["a", "bbb"] {
            let prefix = linePrefix(name, width: 3)
            let own = harness.lines.filter { $0.hasPrefix(prefix) }
            let expected = (0..<2000).map { "\(prefix)\(name) line \($0) " + String(repeating: "x", count: 50) + " end" }
            XCTAssertEqual(own, expected)
        }
    }

    func testAMissingExecutableIsReportedAndRetried() throws {
        let harness = try SupervisorHarness()
        try harness.start([SupervisedDaemon(name: "ghost", executable: harness.directory + "/missing")])
        harness.waitForLine(containing: "ghost could not be started: cannot execute \(harness.directory)/missing: No such file or directory; retrying in 50ms")
        harness.waitForLine(containing: "retrying in 100ms")
        XCTAssertEqual(try harness.stop(), 0)
    }

    func testInheritedActivationVariablesDoNotLeakIntoDaemonsAndRunWorksOnce() throws {
        setenv("LISTEN_FDS", "9", 1)
        setenv("WATCHDOG_USEC", "1", 1)
        defer {
            unsetenv("LISTEN_FDS")
            unsetenv("WATCHDOG_USEC")
        }
        let harness = try SupervisorHarness()
        let script = try harness.script("env", """
            #!/bin/sh
            env | grep -E '^(LISTEN_|WATCHDOG_|NOTIFY_SOCKET|STOCKROOM_X)' | sort
            systemd-notify --ready
            exec sleep 1000
            """)
        try harness.start([SupervisedDaemon(name: "env", executable: script, environment: ["STOCKROOM_X": "1"])])
        harness.waitForLine(containing: "env is ready")
        XCTAssertEqual(harness.lines.filter { $0.hasPrefix("env | ") },
                       ["env | NOTIFY_SOCKET=\(harness.directory)/run/env.notify", "env | STOCKROOM_X=1"])
        XCTAssertEqual(try harness.stop(), 0)
        XCTAssertThrowsError(try harness.supervisor?.run())
    }

    func testBadDaemonDescriptionsAreRejected() throws {
        let options = SupervisorOptions(runtimeDirectory: "/tmp/unused")
        XCTAssertThrowsError(try Supervisor(daemons: [SupervisedDaemon(name: "a b", executable: "/bin/true")],
                                            options: options, log: { _ in })) {
            XCTAssertEqual("\($0)", "daemon name \"a b\" must be letters, digits, - or _")
        }
        XCTAssertThrowsError(try Supervisor(daemons: [SupervisedDaemon(name: "web", executable: "true")],
                                            options: options, log: { _ in })) {
            XCTAssertEqual("\($0)", "web: executable true must be an absolute path")
        }
        XCTAssertThrowsError(try Supervisor(daemons: [SupervisedDaemon(name: "x", executable: "/bin/true"),
                                                      SupervisedDaemon(name: "x", executable: "/bin/true")],
                                            options: options, log: { _ in }))
    }
}

/// The state letter of /proc/PID/stat ("R", "S", "Z", ...), or nil.
func processState(_ pid: pid_t) -> String? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return nil }
    return stat[stat.index(after: close)...].split(separator: " ").first.map(String.init)
}
