import Daemon
import Glibc
import TestSupport
import XCTest

/// The daemon-fixture started for real: under `systemd-socket-activate` (socket "http" on a free port), or
/// directly (with --listen), with a NotifyRecorder as its NOTIFY_SOCKET.
final class Fixture {
    let process: ChildProcess
    let notifications: NotifyRecorder
    let port: Int

    /// `environment` adds to the fixture's environment (WATCHDOG_USEC, STOCKROOM_CONFIG, ...).
    init(activated: Bool = true, environment: [String: String] = [:], arguments: [String] = []) throws {
        notifications = try NotifyRecorder()
        port = try freeLoopbackPort()
        let fixture = try BuiltExecutable.path("daemon-fixture")
        var variables = ["NOTIFY_SOCKET": notifications.path, "PATH": "/usr/bin:/bin",
                         "STOCKROOM_CONFIG": "/dev/null"]
        variables.merge(environment) { $1 }
        if activated {
            // systemd-socket-activate passes on only the variables named with -E.
            let passed = variables.keys.sorted().flatMap { ["-E", $0] }
            process = try ChildProcess(
                executable: "/usr/bin/systemd-socket-activate",
                arguments: ["-l", "127.0.0.1:\(port)", "--fdname=http"] + passed + [fixture] + arguments,
                environment: variables)
        } else {
            process = try ChildProcess(executable: fixture, arguments: arguments, environment: variables)
        }
    }

    /// Connects once systemd-socket-activate listens, which makes it exec the fixture.
    func triggerExec() {
        let deadline = monotonicSeconds() + 10
        while monotonicSeconds() < deadline {
            if let client = try? LineClient.connect(port: port) {
                client.close()
                return
            }
            usleep(20_000)
        }
    }

    /// Sends "ping" (which makes systemd-socket-activate exec the fixture) and waits for READY=1.
    func startAndWaitUntilReady(file: StaticString = #filePath, line: UInt = #line) throws {
        let deadline = monotonicSeconds() + 10
        var answer = ""
        while monotonicSeconds() < deadline {
            if let reply = try? LineClient.request(port: port, "ping", timeout: 5) {
                answer = reply
                break
            }
            usleep(20_000)
        }
        XCTAssertEqual(answer, "pong\n", "stderr: \(process.standardError)", file: file, line: line)
        XCTAssertTrue(notifications.waitFor("READY=1", timeout: 10), "no READY=1; stderr: \(process.standardError)",
                      file: file, line: line)
    }
}
