import CShim
import Glibc

/// A socket operation that failed; the description names the address and the errno text.
public struct SocketError: Error, CustomStringConvertible {
    public let description: String
    public let code: Int32

    init(_ what: String, code: Int32 = currentErrno()) {
        self.description = "\(what): \(errnoText(code))"
        self.code = code
    }

    init(description: String) {
        self.description = description
        self.code = 0
    }
}

/// Binds and listens on `address` (SO_REUSEADDR, close-on-exec); a stale unix socket file is removed first.
public func bindListeningSocket(_ address: ListenAddress, backlog: Int32 = 4096) throws -> Int32 {
    switch address {
    case .unix(let path):
        return try bindUnixSocket(path: path, backlog: backlog)
    case .tcp(let host, let port):
        return try bindTCPSocket(host: host, port: port, backlog: backlog, address: address)
    }
}

private func bindTCPSocket(host: String, port: Int, backlog: Int32, address: ListenAddress) throws -> Int32 {
    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
    var list: UnsafeMutablePointer<addrinfo>? = nil
    let status = getaddrinfo(host, String(port), &hints, &list)
    guard status == 0, let first = list else {
        let reason = status == 0 ? "no address" : String(cString: gai_strerror(status))
        throw SocketError(description: "cannot resolve \(address): \(reason)")
    }
    defer { freeaddrinfo(list) }
    let info = first.pointee
    let fd = shim_socket(info.ai_family, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SocketError("cannot create a socket for \(address)") }
    var one: Int32 = 1
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
    guard bind(fd, info.ai_addr, info.ai_addrlen) == 0 else {
        let error = SocketError("cannot bind \(address)")
        close(fd)
        throw error
    }
    guard listen(fd, backlog) == 0 else {
        let error = SocketError("cannot listen on \(address)")
        close(fd)
        throw error
    }
    return fd
}

private func bindUnixSocket(path: String, backlog: Int32) throws -> Int32 {
    let address = ListenAddress.unix(path: path)
    let fd = shim_socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SocketError("cannot create a socket for \(address)") }
    removeStaleSocketFile(path)
    let result = withUnixSocketAddress(path) { bind(fd, $0, $1) }
    guard let result, result == 0 else {
        let error = result == nil
            ? SocketError(description: "cannot bind \(address): the path is too long")
            : SocketError("cannot bind \(address)")
        close(fd)
        throw error
    }
    guard listen(fd, backlog) == 0 else {
        let error = SocketError("cannot listen on \(address)")
        close(fd)
        throw error
    }
    return fd
}

/// Removes `path` if it is a unix socket nobody listens on any more (left behind by a crashed process).
private func removeStaleSocketFile(_ path: String) {
    var info = stat()
    guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFSOCK else { return }
    let probe = shim_socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard probe >= 0 else { return }
    defer { close(probe) }
    let connected = withUnixSocketAddress(path) { connect(probe, $0, $1) }
    if connected != 0 && currentErrno() == ECONNREFUSED { unlink(path) }
}

/// Calls `body` with a sockaddr_un for `path` ("@name" is an abstract socket); nil if the path is too long.
func withUnixSocketAddress<R>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R? {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    var bytes = Array(path.utf8)
    let isAbstract = bytes.first == UInt8(ascii: "@")
    if isAbstract { bytes[0] = 0 }
    let capacity = MemoryLayout.size(ofValue: address.sun_path)
    guard bytes.count < capacity else { return nil }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        for (index, byte) in bytes.enumerated() { raw[index] = byte }
    }
    let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? 2
    let length = socklen_t(pathOffset + bytes.count + (isAbstract ? 0 : 1))
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
    }
}

/// The address a listening socket is bound to (useful after binding port 0).
public func boundAddress(of descriptor: Int32) -> ListenAddress? {
    var storage = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    let result = withUnsafeMutablePointer(to: &storage) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    guard result == 0 else { return nil }
    switch Int32(storage.ss_family) {
    case AF_INET:
        return withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                var address = pointer.pointee.sin_addr
                var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
                inet_ntop(AF_INET, &address, &text, socklen_t(text.count))
                return .tcp(host: String(cString: text), port: Int(UInt16(bigEndian: pointer.pointee.sin_port)))
            }
        }
    case AF_INET6:
        return withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                var address = pointer.pointee.sin6_addr
                var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
                inet_ntop(AF_INET6, &address, &text, socklen_t(text.count))
                return .tcp(host: String(cString: text), port: Int(UInt16(bigEndian: pointer.pointee.sin6_port)))
            }
        }
    case AF_UNIX:
        return withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr_un.self, capacity: 1) { pointer in
                var path = pointer.pointee.sun_path
                let text = withUnsafeBytes(of: &path) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                return .unix(path: text)
            }
        }
    default:
        return nil
    }
}
