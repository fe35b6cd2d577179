import Glibc

/// Where an upstream server listens.
public enum UpstreamAddress: Sendable, Equatable, CustomStringConvertible {
    case unix(path: String)
    case tcp(host: String, port: UInt16)

    /// Parses `unix:/path/to.sock`, `host:port` or `[v6]:port`.
    public init(parsing text: String) throws {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard path.hasPrefix("/") else { throw UpstreamAddressError("upstream '\(text)': a unix socket path must be absolute") }
            self = .unix(path: path)
            return
        }
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]), port > 0 else {
            throw UpstreamAddressError("upstream '\(text)': expected unix:/path or host:port")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw UpstreamAddressError("upstream '\(text)': missing host") }
        self = .tcp(host: host, port: port)
    }

    /// Whether connecting first needs a name lookup (which may block): a host that is not an IP address.
    var needsNameLookup: Bool {
        guard case .tcp(let host, _) = self else { return false }
        var storage = in6_addr()
        return inet_pton(AF_INET, host, &storage) != 1 && inet_pton(AF_INET6, host, &storage) != 1
    }

    public var description: String {
        switch self {
        case .unix(let path): return "unix:" + path
        case .tcp(let host, let port): return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
    }
}

/// A malformed upstream address, with the reason.
public struct UpstreamAddressError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
