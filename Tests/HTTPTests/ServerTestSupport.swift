import Daemon
import CShim
import Glibc
import XCTest
@testable import HTTP

/// A listening socket made by the test (the server never binds), and the server running on it in a thread.
final class RunningServer {
    let server: HTTPServer
    let listenFD: Int32
    let port: UInt16
    private var thread: JoinableThread?
    private var finished = false
    private let finishedMutex = Lock()

    init(router: Router, configuration: HTTPServerConfiguration = RunningServer.fastConfiguration(),
         prepareSocket: (Int32) -> Void = { _ in }) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestSystemError(errno: errno, what: "socket") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        prepareSocket(fd)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 128) == 0 else { throw TestSystemError(errno: errno, what: "bind/listen") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listenFD = fd
        port = UInt16(bigEndian: address.sin_port)
        server = HTTPServer(listeningSocket: fd, router: router, configuration: configuration)
        thread = JoinableThread(name: "test-server") { [server, finishedMutex] in
            do { try server.run() } catch { XCTFail("server failed: \(error)") }
            finishedMutex.withLock { self.finished = true }
        }
    }

    static func fastConfiguration() -> HTTPServerConfiguration {
        var configuration = HTTPServerConfiguration()
        configuration.loops = 2
        configuration.workerThreads = 4
        configuration.tickInterval = .milliseconds(20)
        return configuration
    }

    var hasFinished: Bool { finishedMutex.withLock { finished } }

    /// Drains the server, waits for run() to return, closes the listening socket.
    func stop() {
        server.beginShutdown()
        thread?.join()
        thread = nil
        close(listenFD)
    }

    func connect() throws -> TestClient { try TestClient(port: port) }
}

/// `sockaddr_un` for `path`.
func unixAddress(_ path: String) -> sockaddr_un {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        for (i, b) in path.utf8.prefix(raw.count - 1).enumerated() { raw[i] = b }
    }
    return address
}

/// A blocking test client with a receive timeout.
final class TestClient {
    let fd: Int32
    var buffer: [UInt8] = []

    struct Response {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Connects to a unix socket at `path`.
    init(unixPath path: String, timeoutSeconds: Int = 5) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = unixAddress(path)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            Glibc.close(fd)
            throw TestSystemError(errno: errno, what: "connect")
        }
    }

    init(port: UInt16, timeoutSeconds: Int = 5) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            Glibc.close(fd)
            throw TestSystemError(errno: errno, what: "connect")
        }
    }

    private var isOpen = true

    deinit { close() }

    /// Closes the client's socket.
    func close() {
        if isOpen {
            Glibc.close(fd)
            isOpen = false
        }
    }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    /// Reads more bytes into the buffer; false at EOF, error or timeout.
    @discardableResult
    func fill(max: Int = 65536) -> Bool {
        var chunk = [UInt8](repeating: 0, count: max)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    /// Whether the server closed the connection (EOF) before `seconds` passed, with nothing more sent.
    func waitForClose(seconds: Int = 5) -> Bool {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, 0)
        return n == 0 || (n < 0 && errno == ECONNRESET)
    }

    /// Reads one response (Content-Length, chunked, or until close); nil if none came.
    func readResponse(headRequest: Bool = false) -> Response? {
        var headEnd: Int?
        while true {
            if let range = find([0x0D, 0x0A, 0x0D, 0x0A]) {
                headEnd = range
                break
            }
            if !fill() { return nil }
        }
        guard let end = headEnd else { return nil }
        let headText = String(decoding: buffer[0..<end], as: UTF8.self)
        buffer.removeSubrange(0..<(end + 4))
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = String(line[line.index(after: colon)...]).trimmingCharacters(in: " ")
        }
        if status == 100 { return readResponse(headRequest: headRequest) }
        var body: [UInt8] = []
        if headRequest || status == 204 || status == 304 {
            // no body
        } else if let lengthText = headers["content-length"], let length = Int(lengthText) {
            while buffer.count < length { if !fill() { return nil } }
            body = Array(buffer[0..<length])
            buffer.removeSubrange(0..<length)
        } else if headers["transfer-encoding"] == "chunked" {
            while true {
                var lineEnd: Int?
                while lineEnd == nil {
                    lineEnd = find([0x0D, 0x0A])
                    if lineEnd == nil && !fill() { return nil }
                }
                let sizeText = String(decoding: buffer[0..<lineEnd!], as: UTF8.self)
                guard let size = Int(sizeText, radix: 16) else { return nil }
                buffer.removeSubrange(0..<(lineEnd! + 2))
                while buffer.count < size + 2 { if !fill() { return nil } }
                body += buffer[0..<size]
                buffer.removeSubrange(0..<(size + 2))
                if size == 0 { break }
            }
        } else {
            while fill() {}
            body = buffer
            buffer = []
        }
        return Response(status: status, headers: headers, body: body)
    }

    func find(_ needle: [UInt8]) -> Int? {
        guard buffer.count >= needle.count else { return nil }
        for i in 0...(buffer.count - needle.count) where buffer[i] == needle[0] {
            if Array(buffer[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }
}

extension String {
    func components(separatedBy separator: String) -> [String] {
        var parts: [String] = []
        var rest = Substring(self)
        while let range = rest.firstRange(of: separator) {
            parts.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }

    func trimmingCharacters(in characters: String) -> String {
        var s = Substring(self)
        while let first = s.first, characters.contains(first) { s = s.dropFirst() }
        while let last = s.last, characters.contains(last) { s = s.dropLast() }
        return String(s)
    }
}

func sleepMilliseconds(_ milliseconds: Int) {
    usleep(useconds_t(milliseconds * 1000))
}
