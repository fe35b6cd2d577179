import Foundation
import Glibc
import XCTest
@testable import Supervisor

/// Runs a real `Supervisor` on its own thread and records every line it prints.
final class SupervisorHarness {
    let directory: String
    private let lock = NSLock()
    private var recorded: [String] = []
    private var result: Result<Int32, Error>?
    private(set) var supervisor: Supervisor?
    private let finished = DispatchSemaphore(value: 0)

    init() throws {
        var template = Array("/tmp/stockroom-supervisor.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SupervisorError.system("mkdtemp") }
        directory = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Writes an executable script into the scratch directory and returns its path.
    func script(_ name: String, _ text: String) throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    var lines: [String] { lock.withLock { recorded } }

    func start(_ daemons: [SupervisedDaemon], configure: (inout SupervisorOptions) -> Void = { _ in }) throws {
        var options = SupervisorOptions(runtimeDirectory: directory + "/run", startTimeout: .seconds(5),
                                        stopTimeout: .seconds(2),
                                        restartBackoff: RestartBackoff(initial: .milliseconds(50), maximum: .seconds(1)))
        configure(&options)
        let supervisor = try Supervisor(daemons: daemons, options: options) { [weak self] line in
            guard let self else { return }
            self.lock.withLock { self.recorded.append(line) }
        }
        self.supervisor = supervisor
        let thread = Thread { [self] in
            let outcome = Result { try supervisor.run() }
            lock.withLock { result = outcome }
            finished.signal()
        }
        thread.start()
    }

    /// Waits until a recorded line satisfies `predicate`; returns it.
    @discardableResult
    func waitForLine(timeout: Double = 10, file: StaticString = #filePath, line: UInt = #line,
                     _ predicate: (String) -> Bool) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let found = lines.first(where: predicate) { return found }
            usleep(10_000)
        }
        XCTFail("no such line within \(timeout)s; got:\n\(lines.joined(separator: "\n"))", file: file, line: line)
        return nil
    }

    func waitForLine(containing text: String, timeout: Double = 10, file: StaticString = #filePath,
                     line: UInt = #line) {
        waitForLine(timeout: timeout, file: file, line: line) { $0.contains(text) }
    }

    /// Requests a shutdown and waits for `run()` to return its exit status.
    func stop(timeout: Double = 15) throws -> Int32 {
        supervisor?.requestShutdown()
        return try waitForExit(timeout: timeout)
    }

    func waitForExit(timeout: Double = 15) throws -> Int32 {
        guard finished.wait(timeout: .now() + timeout) == .success else {
            throw SupervisorError("supervisor did not finish within \(timeout)s; lines:\n\(lines.joined(separator: "\n"))")
        }
        finished.signal()
        guard let result = lock.withLock({ result }) else { throw SupervisorError("no result") }
        return try result.get()
    }

    /// Every pid the supervisor reported starting ("started web (pid 123)").
    var startedPids: [pid_t] {
        lines.compactMap { line in
            guard let range = line.range(of: "(pid ") else { return nil }
            return pid_t(line[range.upperBound...].prefix { $0.isNumber })
        }
    }
}

/// Whether process `pid` exists (zombies count).
func processExists(_ pid: pid_t) -> Bool {
    kill(pid, 0) == 0 || errno != ESRCH
}

/// A listening TCP socket on 127.0.0.1 with a kernel-chosen port.
func listeningTCPSocket() throws -> (fd: Int32, port: UInt16) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SupervisorError.system("socket") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0, listen(fd, 16) == 0 else { throw SupervisorError.system("bind/listen") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return (fd, UInt16(bigEndian: address.sin_port))
}

/// Connects to 127.0.0.1:`port` and returns everything the peer sends before closing.
func readAll(fromPort port: UInt16) throws -> String {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = port.bigEndian
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw SupervisorError.system("connect to port \(port)") }
    var data: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1024)
    while true {
        let count = read(fd, &buffer, buffer.count)
        if count <= 0 { break }
        data += buffer[..<count]
    }
    return String(decoding: data, as: UTF8.self)
}
