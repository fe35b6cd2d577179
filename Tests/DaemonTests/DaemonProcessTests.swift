import Daemon
import Glibc
import TestSupport
import XCTest

/// The daemon contract end to end: the daemon-fixture as a real child process, activated by
/// systemd-socket-activate, reporting to a real NOTIFY_SOCKET, stopped and reloaded by real signals.
final class DaemonProcessTests: XCTestCase {
    func testSocketActivationReadyAndStatus() throws {
        let fixture = try Fixture()
        try fixture.startAndWaitUntilReady()
        XCTAssertEqual(try LineClient.request(port: fixture.port, "greeting"), "hello\n")
        XCTAssertTrue(fixture.notifications.messages.contains("READY=1\nSTATUS=running: http"), "\(fixture.notifications.messages)")
        XCTAssertEqual(fixture.notifications.count(of: "WATCHDOG=1"), 0, "no WATCHDOG_USEC, no pings")
        fixture.process.signal(SIGTERM)
        XCTAssertEqual(try fixture.process.wait(timeout: 10), .exited(0))
        XCTAssertTrue(fixture.notifications.waitFor("STOPPING=1", timeout: 1))
    }

    func testStderrLinesWhenNotUnderTheJournal() throws {
        let fixture = try Fixture(environment: ["JOURNAL_STREAM": "1:1"])
        try fixture.startAndWaitUntilReady()
        XCTAssertTrue(fixture.process.waitForStandardError(containing: "request received REQUEST=ping", timeout: 5))
        let line = try XCTUnwrap(fixture.process.standardError.split(separator: "\n").first { $0.contains("REQUEST=ping") })
        let pattern = #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info daemon-fixture: request received REQUEST=ping$"#
        XCTAssertNotNil(String(line).range(of: pattern, options: .regularExpression), String(line))
    }

    func testWatchdogPingsComeFromTheWorkLoopAndStopWhenItHangs() throws {
        let fixture = try Fixture(environment: ["WATCHDOG_USEC": "200000"])
        try fixture.startAndWaitUntilReady()
        // Pings every half interval (100 ms): at least 4 within a second of idling.
        let before = fixture.notifications.count(of: "WATCHDOG=1")
        XCTAssertTrue(fixture.notifications.waitFor("WATCHDOG=1", count: before + 4, timeout: 1.5),
                      "\(fixture.notifications.count(of: "WATCHDOG=1") - before) pings")

        let hung = try LineClient.connect(port: fixture.port)
        defer { hung.close() }
        hung.send("hang")
        XCTAssertTrue(fixture.process.waitForStandardError(containing: "REQUEST=hang", timeout: 5))
        usleep(150_000)
        let whileHanging = fixture.notifications.count(of: "WATCHDOG=1")
        usleep(600_000)
        XCTAssertEqual(fixture.notifications.count(of: "WATCHDOG=1"), whileHanging,
                       "the work loop is stuck, so nobody may ping the watchdog")
        XCTAssertTrue(fixture.process.isRunning)

        // SIGTERM releases the hung request; the drain still completes.
        fixture.process.signal(SIGTERM)
        XCTAssertEqual(try hung.answer(), "released\n")
        XCTAssertEqual(try fixture.process.wait(timeout: 10), .exited(0))
    }

    func testSIGTERMFinishesInFlightWorkRefusesNewConnectionsAndExits0() throws {
        let fixture = try Fixture()
        try fixture.startAndWaitUntilReady()
        let slow = try LineClient.connect(port: fixture.port)
        defer { slow.close() }
        slow.send("sleep 1000")
        XCTAssertTrue(fixture.process.waitForStandardError(containing: "REQUEST=\"sleep 1000\"", timeout: 5))

        fixture.process.signal(SIGTERM)
        XCTAssertTrue(fixture.notifications.waitFor("STOPPING=1", timeout: 5))
        XCTAssertTrue(fixture.process.waitForStandardError(containing: "draining", timeout: 5))
        XCTAssertThrowsError(try LineClient.request(port: fixture.port, "ping", timeout: 5),
                             "a connection during the drain must not be served") { error in
            XCTAssertEqual((error as? LineClient.Failure)?.code, ECONNREFUSED, "\(error)")
        }
        XCTAssertTrue(fixture.process.isRunning, "still draining the request in flight")
        XCTAssertEqual(try slow.answer(), "done\n", "the request in flight gets its answer")
        XCTAssertEqual(try fixture.process.wait(timeout: 10), .exited(0))
        XCTAssertTrue(fixture.process.standardError.contains("stopped"))
    }

    func testSecondSIGINTDuringTheDrainExitsAtOnceWith1() throws {
        let fixture = try Fixture()
        try fixture.startAndWaitUntilReady()
        let slow = try LineClient.connect(port: fixture.port)
        defer { slow.close() }
        slow.send("sleep 5000")
        XCTAssertTrue(fixture.process.waitForStandardError(containing: "REQUEST=\"sleep 5000\"", timeout: 5))
        fixture.process.signal(SIGINT)
        XCTAssertTrue(fixture.notifications.waitFor("STOPPING=1", timeout: 5))
        fixture.process.signal(SIGINT)
        let started = monotonicSeconds()
        XCTAssertEqual(try fixture.process.wait(timeout: 3), .exited(1))
        XCTAssertLessThan(monotonicSeconds() - started, 2)
    }

    func testStopTimeoutFromConfiguration() throws {
        let fixture = try Fixture(environment: ["STOCKROOM_STOP_TIMEOUT": "300ms"])
        try fixture.startAndWaitUntilReady()
        let slow = try LineClient.connect(port: fixture.port)
        defer { slow.close() }
        slow.send("sleep 5000")
        XCTAssertTrue(fixture.process.waitForStandardError(containing: "REQUEST=\"sleep 5000\"", timeout: 5))
        fixture.process.signal(SIGTERM)
        XCTAssertEqual(try fixture.process.wait(timeout: 3), .exited(1))
        XCTAssertTrue(fixture.process.standardError.contains("stop timeout: still running: http"), fixture.process.standardError)
    }

    func testSIGHUPReloadsConfigurationAndLogLevel() throws {
        let directory = TemporaryDirectory()
        let config = directory.write("stockroom.conf", "log_level = info\ngreeting = hello\n")
        let fixture = try Fixture(environment: ["STOCKROOM_CONFIG": config])
        try fixture.startAndWaitUntilReady()
        XCTAssertFalse(fixture.process.standardError.contains("handled request"), "debug lines are off at level info")

        directory.write("stockroom.conf", "log_level = debug\ngreeting = bonjour\n")
        fixture.process.signal(SIGHUP)
        XCTAssertTrue(fixture.notifications.waitFor("READY=1", count: 2, timeout: 5), "\(fixture.notifications.messages)")
        let messages = fixture.notifications.messages
        let reloading = try XCTUnwrap(messages.firstIndex { $0.hasPrefix("RELOADING=1\nMONOTONIC_USEC=") }, "\(messages)")
        let readyAgain = try XCTUnwrap(messages.lastIndex { $0.hasPrefix("READY=1") })
        XCTAssertLessThan(reloading, readyAgain, "RELOADING=1 comes before the second READY=1")

        XCTAssertEqual(try LineClient.request(port: fixture.port, "greeting"), "bonjour\n", "the service got the new configuration")
        XCTAssertTrue(fixture.process.waitForStandardError(containing: "debug daemon-fixture: handled request REQUEST=greeting", timeout: 5),
                      fixture.process.standardError)

        // A bad configuration is refused: the old one stays, and the daemon reports ready again.
        directory.write("stockroom.conf", "log_level = loud\ngreeting = ignored\n")
        fixture.process.signal(SIGHUP)
        XCTAssertTrue(fixture.notifications.waitFor("READY=1", count: 3, timeout: 5))
        XCTAssertTrue(fixture.process.standardError.contains("reload failed, keeping the previous configuration: configuration: key 'log_level' = 'loud' (from \(config):1) is not valid"),
                      fixture.process.standardError)
        XCTAssertEqual(try LineClient.request(port: fixture.port, "greeting"), "bonjour\n")
        XCTAssertTrue(fixture.process.isRunning)
    }

    func testStartFailureExits1WithTheMessageOnStderr() throws {
        let fixture = try Fixture(environment: ["STOCKROOM_FAIL_START": "yes"])
        fixture.triggerExec()
        XCTAssertEqual(try fixture.process.wait(timeout: 10), .exited(1))
        XCTAssertTrue(fixture.process.standardError.contains("http failed to start: fail_start is set"), fixture.process.standardError)
        XCTAssertEqual(fixture.notifications.count(of: "READY=1"), 0)
    }

    func testInvalidConfigurationStopsTheDaemonBeforeItStarts() throws {
        let fixture = try Fixture(activated: false, environment: ["STOCKROOM_LOG_LEVEL": "chatty"],
                                  arguments: ["--listen", "http=127.0.0.1:0"])
        XCTAssertEqual(try fixture.process.wait(timeout: 10), .exited(1))
        XCTAssertTrue(fixture.process.standardError.contains(
            "daemon-fixture: configuration: key 'log_level' = 'chatty' (from environment variable STOCKROOM_LOG_LEVEL) is not valid"),
            fixture.process.standardError)
    }

    func testServiceThatFailsWhileRunningStopsTheDaemonWith1() throws {
        let fixture = try Fixture()
        try fixture.startAndWaitUntilReady()
        _ = try? LineClient.request(port: fixture.port, "crash", timeout: 5)
        XCTAssertEqual(try fixture.process.wait(timeout: 10), .exited(1))
        XCTAssertTrue(fixture.process.standardError.contains("http failed: a client asked for a crash"), fixture.process.standardError)
        XCTAssertTrue(fixture.notifications.waitFor("STOPPING=1", timeout: 1))
    }

    func testWithoutActivationAMissingSocketIsAClearError() throws {
        let fixture = try Fixture(activated: false)
        XCTAssertEqual(try fixture.process.wait(timeout: 10), .exited(1))
        XCTAssertEqual(fixture.process.standardError,
                       "daemon-fixture: no socket named 'http' was passed by systemd (no LISTEN_FDS); pass it, or bind one with --listen http=127.0.0.1:8000\n")
    }

    func testWithoutActivationTheListenFlagBindsAUnixSocket() throws {
        let directory = TemporaryDirectory()
        let path = directory.path + "/fixture.sock"
        let fixture = try Fixture(activated: false, arguments: ["--listen", "http=unix:\(path)"])
        XCTAssertTrue(fixture.notifications.waitFor("READY=1", timeout: 10), fixture.process.standardError)
        let client = try LineClient.connect(path: path)
        defer { client.close() }
        client.send("ping")
        XCTAssertEqual(try client.answer(), "pong\n")
        fixture.process.signal(SIGTERM)
        XCTAssertEqual(try fixture.process.wait(timeout: 10), .exited(0))
    }
}
