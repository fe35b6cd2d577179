import Daemon
import Glibc
import HTTP
import XCTest

/// A directory under /tmp removed with everything in it at deinit.
final class ScratchDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/stockroom-proxy-test-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw TestFailure("mkdtemp: \(String(cString: strerror(errno)))")
        }
        path = String(cString: made)
    }

    deinit { _ = system("rm -rf '\(path)'") }

    /// Writes `bytes` to `name` (relative to the directory), creating parent directories.
    func write(_ name: String, _ bytes: [UInt8]) throws {
        let full = path + "/" + name
        if let slash = full.lastIndex(of: "/") { _ = system("mkdir -p '\(full[..<slash])'") }
        let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw TestFailure("open \(full): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, bytes.count - done) }
            guard n > 0 else { throw TestFailure("write \(full): \(String(cString: strerror(errno)))") }
            done += n
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// An `HTTPServer` on a socket the test binds, run on its own thread until `stop()`.
final class ServerOnThread {
    let server: HTTPServer
    let listener: Int32
    let address: ListenAddress
    private var thread: pthread_t?

    init(address: ListenAddress, router: Router) throws {
        listener = try bindListeningSocket(address)
        guard let bound = boundAddress(of: listener) else { throw TestFailure("cannot read the bound address") }
        self.address = bound
        var configuration = HTTPServerConfiguration()
        configuration.loops = 2
        configuration.workerThreads = 8
        configuration.tickInterval = .milliseconds(20)
        let server = HTTPServer(listeningSocket: listener, router: router, configuration: configuration)
        self.server = server
        thread = startJoinableThread {
            do { try server.run() } catch { XCTFail("server failed: \(error)") }
        }
    }

    var port: UInt16 {
        if case .tcp(_, let port) = address { return UInt16(port) }
        return 0
    }

    func stop() {
        guard let running = thread else { return }
        thread = nil
        server.beginShutdown()
        pthread_join(running, nil)
        close(listener)
    }

    deinit { stop() }
}

/// A blocking HTTP/1.1 client over loopback TCP, reading responses by Content-Length, chunks or close.
final class HTTPTestClient {
    struct Response {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        func count(of name: String) -> Int { headers.filter { $0.0.lowercased() == name.lowercased() }.count }
    }

    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: UInt16, timeoutSeconds: Int = 10) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            // deinit closes the socket.
            throw TestFailure("connect to port \(port): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(fd) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    /// Sends a GET (keep-alive) with `headers` and reads its response.
    func get(_ target: String, _ headers: [String: String] = [:]) throws -> Response {
        var request = "GET \(target) HTTP/1.1\r\nHost: shop.example\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { request += "\(name): \(value)\r\n" }
        send(request + "\r\n")
        return try readResponse()
    }

    @discardableResult
    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    private func find(_ needle: [UInt8], from start: Int = 0) -> Int? {
        guard buffer.count >= needle.count + start else { return nil }
        var i = start
        while i <= buffer.count - needle.count {
            if buffer[i] == needle[0] && Array(buffer[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }

    /// Whether the server closed the connection (EOF or reset) without sending anything more.
    func isClosedByServer() -> Bool {
        if !buffer.isEmpty { return false }
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, 0)
        return n == 0 || (n < 0 && errno == ECONNRESET)
    }

    /// Reads one response; throws if the connection ends before a complete one.
    func readResponse(headRequest: Bool = false) throws -> Response {
        var end: Int?
        while end == nil {
            end = find([13, 10, 13, 10])
            if end == nil && !fill() { throw TestFailure("connection ended before a response head: \(String(decoding: buffer, as: UTF8.self))") }
        }
        let headEnd = end!
        let lines = String(decoding: buffer[0..<headEnd], as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
        buffer.removeSubrange(0..<(headEnd + 4))
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw TestFailure("bad status line \(lines[0])") }
        var headers: [(String, String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " })))
        }
        var response = Response(status: status, headers: headers, body: [])
        if headRequest || status == 304 || status == 204 { return response }
        if let text = response.header("content-length") {
            guard let length = Int(text) else { throw TestFailure("bad Content-Length \(text)") }
            while buffer.count < length { if !fill() { throw TestFailure("body ended after \(buffer.count) of \(length) bytes") } }
            response.body = Array(buffer[0..<length])
            buffer.removeSubrange(0..<length)
        } else if response.header("transfer-encoding") == "chunked" {
            while true {
                var lineEnd = find([13, 10])
                while lineEnd == nil {
                    if !fill() { throw TestFailure("chunked body ended early") }
                    lineEnd = find([13, 10])
                }
                let sizeText = String(decoding: buffer[0..<lineEnd!], as: UTF8.self)
                guard let size = Int(sizeText, radix: 16) else { throw TestFailure("bad chunk size \(sizeText)") }
                buffer.removeSubrange(0..<(lineEnd! + 2))
                while buffer.count < size + 2 { if !fill() { throw TestFailure("chunk ended early") } }
                response.body += buffer[0..<size]
                buffer.removeSubrange(0..<(size + 2))
                if size == 0 { break }
            }
        } else {
            while fill() {}
            response.body = buffer
            buffer = []
        }
        return response
    }
}

/// A deterministic byte pattern of `count` bytes (so corruption and reordering show).
func pattern(_ count: Int, seed: Int = 7) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    var state = UInt32(truncatingIfNeeded: seed &* 2654435761)
    for i in 0..<count {
        state = state &* 1664525 &+ 1013904223
        bytes[i] = UInt8(truncatingIfNeeded: state >> 24)
    }
    return bytes
}

private final class ThreadBody {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}

/// Starts a pthread running `body` that the caller must `pthread_join`.
func startJoinableThread(_ body: @escaping () -> Void) -> pthread_t? {
    let box = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    var thread = pthread_t()
    let result = pthread_create(&thread, nil, { argument in
        guard let argument else { return nil }
        Unmanaged<ThreadBody>.fromOpaque(argument).takeRetainedValue().body()
        return nil
    }, box)
    guard result == 0 else {
        Unmanaged<ThreadBody>.fromOpaque(box).release()
        return nil
    }
    return thread
}
