import Daemon
import Glibc
import TestSupport
import XCTest

final class NotifierTests: XCTestCase {
    func testMessagesArriveAtTheSocket() throws {
        let recorder = try NotifyRecorder()
        let notifier = Notifier.fromEnvironment(["NOTIFY_SOCKET": recorder.path])
        XCTAssertTrue(notifier.isEnabled)
        notifier.ready(status: "serving\non two lines")
        notifier.status("busy")
        notifier.reloading()
        notifier.watchdogPing()
        notifier.stopping()
        XCTAssertTrue(recorder.waitFor("STOPPING=1", timeout: 5))
        let messages = recorder.messages
        XCTAssertEqual(messages.count, 5)
        XCTAssertEqual(messages.first, "READY=1\nSTATUS=serving on two lines")
        XCTAssertEqual(messages[1], "STATUS=busy")
        XCTAssertTrue(messages[2].hasPrefix("RELOADING=1\nMONOTONIC_USEC="), messages[2])
        let microseconds = messages[2].split(separator: "=").last.flatMap { UInt64($0) }
        XCTAssertNotNil(microseconds)
        XCTAssertEqual(Array(messages[3...]), ["WATCHDOG=1", "STOPPING=1"])
    }

    func testAbstractSocket() throws {
        let name = "stockroom-notify-test-\(getpid())"
        let receiver = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(receiver) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = [0] + Array(name.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(receiver, $0, length) } }
        XCTAssertEqual(bound, 0)
        XCTAssertTrue(Notifier.fromEnvironment(["NOTIFY_SOCKET": "@" + name]).send("READY=1"))
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = recv(receiver, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        XCTAssertEqual(count, 7)
        XCTAssertEqual(String(decoding: buffer.prefix(max(0, count)), as: UTF8.self), "READY=1")
    }

    func testWithoutSocketEverythingIsANoOp() {
        let notifier = Notifier.fromEnvironment([:])
        XCTAssertFalse(notifier.isEnabled)
        XCTAssertFalse(notifier.send("READY=1"))
        notifier.ready()
        notifier.stopping()
        XCTAssertNil(notifier.watchdogInterval)
    }

    func testWatchdogInterval() {
        XCTAssertEqual(Notifier.watchdogInterval(["WATCHDOG_USEC": "200000"], processID: 10), .milliseconds(200))
        XCTAssertEqual(Notifier.watchdogInterval(["WATCHDOG_USEC": "200000", "WATCHDOG_PID": "10"], processID: 10), .milliseconds(200))
        XCTAssertNil(Notifier.watchdogInterval(["WATCHDOG_USEC": "200000", "WATCHDOG_PID": "11"], processID: 10))
        XCTAssertNil(Notifier.watchdogInterval(["WATCHDOG_USEC": "0"], processID: 10))
        XCTAssertNil(Notifier.watchdogInterval(["WATCHDOG_USEC": "soon"], processID: 10))
        XCTAssertEqual(Notifier.fromEnvironment(["WATCHDOG_USEC": "5000000", "WATCHDOG_PID": "\(getpid())"]).watchdogInterval, .seconds(5))
    }
}
