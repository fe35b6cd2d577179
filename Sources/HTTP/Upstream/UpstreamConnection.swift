import Daemon
import CShim
import Glibc

/// Why a socket operation on an upstream connection did not complete.
enum UpstreamIOError: Error {
    case timedOut
    case failed(Int32)

    var reason: String {
        switch self {
        case .timedOut: return "timed out"
        case .failed(let code): return String(cString: strerror(code))
        }
    }
}

/// One non-blocking socket to an upstream, used with blocking semantics through `poll` deadlines.
/// Used by one thread at a time; closed at deinit.
final class UpstreamConnection: @unchecked Sendable {
    let fd: Int32
    /// Monotonic seconds when it was last put back into the pool.
    var idleSince: Double = 0

    private init(fd: Int32) { self.fd = fd }

    deinit { close(fd) }

    /// Connects to `address` within `timeout` seconds.
    static func connect(to address: UpstreamAddress, timeout: Double) throws -> UpstreamConnection {
        try connect(to: address, timeout: timeout, inProgress: nil)
    }

    private static func connect(to address: UpstreamAddress, timeout: Double,
                                inProgress: UnsafeMutablePointer<Bool>?) throws -> UpstreamConnection {
        let deadline = monotonicSeconds() + timeout
        switch address {
        case .unix(let path):
            var storage = sockaddr_un()
            storage.sun_family = sa_family_t(AF_UNIX)
            let capacity = MemoryLayout.size(ofValue: storage.sun_path)
            guard path.utf8.count < capacity else { throw UpstreamIOError.failed(ENAMETOOLONG) }
            withUnsafeMutableBytes(of: &storage.sun_path) { raw in
                for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
            }
            return try withUnsafeBytes(of: &storage) { raw in
                try connect(family: AF_UNIX, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self),
                            socklen_t(MemoryLayout<sockaddr_un>.size), deadline: deadline, inProgress: inProgress)
            }
        case .tcp(let host, let port):
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            hints.ai_flags = AI_NUMERICSERV
            var list: UnsafeMutablePointer<addrinfo>?
            let status = getaddrinfo(host, String(port), &hints, &list)
            guard status == 0, let first = list else {
                throw UpstreamConnectFailure.resolve(String(cString: gai_strerror(status)))
            }
            defer { freeaddrinfo(list) }
            var lastError = UpstreamIOError.failed(ECONNREFUSED)
            var candidate: UnsafeMutablePointer<addrinfo>? = first
            while let info = candidate {
                do {
                    let connection = try connect(family: info.pointee.ai_family, info.pointee.ai_addr,
                                                 info.pointee.ai_addrlen, deadline: deadline, inProgress: inProgress)
                    var one: Int32 = 1
                    setsockopt(connection.fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                    return connection
                } catch let error as UpstreamIOError {
                    lastError = error
                    if case .timedOut = error { throw error }
                }
                candidate = info.pointee.ai_next
            }
            throw lastError
        }
    }

    /// Starts connecting to `address` without waiting: the connection, and whether the connect is
    /// still in progress (wait for writability, then call `connectResult()`).
    static func startConnecting(to address: UpstreamAddress) throws -> (UpstreamConnection, inProgress: Bool) {
        var pending = false
        let connection = try connect(to: address, timeout: 0, inProgress: &pending)
        return (connection, pending)
    }

    /// The outcome of a connect that was in progress: 0 or the error number.
    func connectResult() -> Int32 {
        var code: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &size) == 0 else { return errno }
        return code
    }

    private static func connect(family: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t,
                                deadline: Double, inProgress: UnsafeMutablePointer<Bool>? = nil) throws -> UpstreamConnection {
        let fd = shim_socket(family, Int32(SOCK_STREAM.rawValue), 1)
        guard fd >= 0 else { throw UpstreamIOError.failed(errno) }
        let connection = UpstreamConnection(fd: fd)
        if Glibc.connect(fd, address, length) == 0 { return connection }
        guard errno == EINPROGRESS else { throw UpstreamIOError.failed(errno) }
        if let inProgress {
            inProgress.pointee = true
            return connection
        }
        try connection.wait(for: Int16(POLLOUT), until: deadline)
        var code: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &size)
        guard code == 0 else { throw UpstreamIOError.failed(code) }
        return connection
    }

    /// Writes all of `bytes` before `deadline`.
    func write(_ bytes: UnsafeRawBufferPointer, until deadline: Double) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if sent >= 0 {
                offset += sent
            } else if errno == EAGAIN {
                try wait(for: Int16(POLLOUT), until: deadline)
            } else if errno != EINTR {
                throw UpstreamIOError.failed(errno)
            }
        }
    }

    /// Reads what is available (waiting until `deadline` for something); 0 means the upstream closed.
    /// `waitFirst` skips the read that would only say "nothing yet" (right after sending a request).
    func read(into buffer: UnsafeMutableRawBufferPointer, until deadline: Double, waitFirst: Bool = false) throws -> Int {
        if waitFirst { try wait(for: Int16(POLLIN), until: deadline) }
        while true {
            let count = recv(fd, buffer.baseAddress, buffer.count, 0)
            if count >= 0 { return count }
            if errno == EAGAIN {
                try wait(for: Int16(POLLIN), until: deadline)
            } else if errno != EINTR {
                throw UpstreamIOError.failed(errno)
            }
        }
    }

    /// True if the idle connection has anything to say (end of file, an error, stray bytes): then
    /// it cannot carry a request.
    var isStale: Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) != 0
    }

    private func wait(for events: Int16, until deadline: Double) throws {
        while true {
            let remaining = deadline - monotonicSeconds()
            guard remaining > 0 else { throw UpstreamIOError.timedOut }
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&entry, 1, Int32(min(remaining * 1000 + 1, Double(Int32.max))))
            if ready > 0 { return }
            if ready < 0 && errno != EINTR { throw UpstreamIOError.failed(errno) }
        }
    }
}

/// A host name that did not resolve.
enum UpstreamConnectFailure: Error {
    case resolve(String)
}
