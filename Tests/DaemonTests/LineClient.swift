import Daemon
import Glibc

/// A client for the daemon-fixture's line protocol: connect, send one line, read the answer.
struct LineClient {
    struct Failure: Error, CustomStringConvertible {
        let description: String
        let code: Int32
    }

    let descriptor: Int32

    /// Connects to 127.0.0.1:`port` (TCP) or to the unix socket `path`.
    static func connect(port: Int) throws -> LineClient {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            throw Failure(description: "connect to 127.0.0.1:\(port): \(String(cString: strerror(code)))", code: code)
        }
        return LineClient(descriptor: fd)
    }

    static func connect(path: String) throws -> LineClient {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            throw Failure(description: "connect to \(path): \(String(cString: strerror(code)))", code: code)
        }
        return LineClient(descriptor: fd)
    }

    func send(_ line: String) {
        let text = line + "\n"
        _ = text.withCString { Glibc.send(descriptor, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    }

    /// Reads until the peer closes or `timeout` seconds pass; "" if the connection was closed without an answer.
    func answer(timeout: Double = 10) throws -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        var descriptors = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let deadline = monotonicSeconds() + timeout
        while true {
            let left = Int32(max(0, (deadline - monotonicSeconds()) * 1000))
            guard poll(&descriptors, 1, left) > 0 else {
                throw Failure(description: "no answer within \(timeout)s (got '\(String(decoding: bytes, as: UTF8.self))')", code: ETIMEDOUT)
            }
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count < 0 {
                if errno == ECONNRESET { break }
                throw Failure(description: "recv: \(String(cString: strerror(errno)))", code: errno)
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    func close() { Glibc.close(descriptor) }

    /// One request on a fresh connection.
    static func request(port: Int, _ line: String, timeout: Double = 10) throws -> String {
        let client = try connect(port: port)
        defer { client.close() }
        client.send(line)
        return try client.answer(timeout: timeout)
    }
}
