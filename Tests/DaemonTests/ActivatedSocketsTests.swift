import Daemon
import Glibc
import XCTest

final class ActivatedSocketsTests: XCTestCase {
    func testNamesAndDescriptors() throws {
        let sockets = try ActivatedSockets.parse(
            ["LISTEN_PID": "4242", "LISTEN_FDS": "3", "LISTEN_FDNAMES": "http:control:http"], processID: 4242)
        XCTAssertEqual(sockets.names, ["http", "control", "http"])
        XCTAssertEqual(sockets.descriptor(named: "control"), 4)
        XCTAssertEqual(sockets.descriptors(named: "http"), [3, 5])
        XCTAssertEqual(try sockets.require("http"), 3)
        XCTAssertNil(sockets.descriptor(named: "web"))
    }

    func testAnotherProcessesSocketsAreIgnored() throws {
        let sockets = try ActivatedSockets.parse(["LISTEN_PID": "1", "LISTEN_FDS": "2"], processID: 4242)
        XCTAssertEqual(sockets.names, [])
        XCTAssertEqual(try ActivatedSockets.parse([:], processID: 4242).names, [])
    }

    func testUnnamedSockets() throws {
        let sockets = try ActivatedSockets.parse(["LISTEN_PID": "7", "LISTEN_FDS": "2"], processID: 7)
        XCTAssertEqual(sockets.names, ["unknown", "unknown"])
    }

    func testBadVariables() {
        let cases: [([String: String], String)] = [
            (["LISTEN_PID": "x", "LISTEN_FDS": "1"], "LISTEN_PID='x' is not a process id"),
            (["LISTEN_PID": "7", "LISTEN_FDS": "many"], "LISTEN_FDS='many' is not a number of descriptors (0...1024)"),
            (["LISTEN_PID": "7", "LISTEN_FDS": "2", "LISTEN_FDNAMES": "http"],
             "LISTEN_FDNAMES='http' names 1 sockets but LISTEN_FDS=2"),
        ]
        for (environment, message) in cases {
            XCTAssertThrowsError(try ActivatedSockets.parse(environment, processID: 7)) { error in
                XCTAssertEqual("\(error)", message)
            }
        }
    }

    func testMissingRequiredSocketSaysWhatWasPassed() throws {
        let passed = try ActivatedSockets.parse(["LISTEN_PID": "7", "LISTEN_FDS": "1", "LISTEN_FDNAMES": "web"], processID: 7)
        XCTAssertThrowsError(try passed.require("http")) { error in
            XCTAssertEqual("\(error)", "no socket named 'http' was passed by systemd (LISTEN_FDNAMES=web); pass it, or bind one with --listen http=127.0.0.1:8000")
        }
        XCTAssertThrowsError(try ActivatedSockets(sockets: []).require("control")) { error in
            XCTAssertEqual("\(error)", "no socket named 'control' was passed by systemd (no LISTEN_FDS); pass it, or bind one with --listen control=127.0.0.1:8000")
        }
    }

    func testFallbackBindsAListeningSocket() throws {
        let fd = try ActivatedSockets(sockets: []).require("http", fallback: .tcp(host: "127.0.0.1", port: 0))
        defer { close(fd) }
        guard case .tcp(let host, let port)? = boundAddress(of: fd) else { return XCTFail("not a TCP socket") }
        XCTAssertEqual(host, "127.0.0.1")
        XCTAssertGreaterThan(port, 0)
        XCTAssertTrue(try connects(to: port))
        XCTAssertNotEqual(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0)
    }

    func testFromEnvironmentChecksThatTheDescriptorsAreOpen() {
        // Descriptor 900 is not open in the test process.
        XCTAssertThrowsError(try ActivatedSockets.fromEnvironment(
            ["LISTEN_PID": "\(getpid())", "LISTEN_FDS": "898", "LISTEN_FDNAMES": String(repeating: "x:", count: 897) + "x"])) { error in
            XCTAssertTrue("\(error)".contains("is not open"), "\(error)")
        }
    }

    private func connects(to port: Int) throws -> Bool {
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(client) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
