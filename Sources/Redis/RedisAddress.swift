/// Where a Redis server is and how to log in to it, usually parsed from a URL:
/// `redis://[[user]:password@]host[:port][/db]` or `unix:///path/to/socket[?db=N]`
/// (`redis+unix://` too). Both accept `?db=N&password=...` in the query.
public struct RedisAddress: Sendable, Equatable, CustomStringConvertible {
    /// A TCP host and port, or a unix socket's path.
    public enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        case unix(path: String)
    }

    /// Where the server listens.
    public var endpoint: Endpoint
    /// Redis 6 ACL user; `nil` authenticates as the default user.
    public var username: String?
    /// Sent with AUTH after connecting.
    public var password: String?
    /// Database number selected after connecting.
    public var database: Int

    /// The port of a `redis://` URL that names none.
    public static let defaultPort = 6379

    public init(endpoint: Endpoint, username: String? = nil, password: String? = nil, database: Int = 0) {
        self.endpoint = endpoint
        self.username = username
        self.password = password
        self.database = database
    }

    /// Parses a `redis://` or `unix://` URL; throws `RedisError.invalidURL` saying what is wrong.
    public init(url: String) throws {
        self = try RedisURLParser(url: url).parse()
    }

    /// The server and database, never the password: safe for logs and error messages.
    public var description: String {
        let base: String
        switch endpoint {
        case .tcp(let host, let port):
            base = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path):
            base = "unix:\(path)"
        }
        return database == 0 ? base : "\(base) db \(database)"
    }
}

/// The URL grammar of `RedisAddress(url:)`, kept apart so the address type stays small.
struct RedisURLParser {
    let url: String

    func parse() throws -> RedisAddress {
        guard let schemeEnd = url.firstRange(of: "://") else {
            throw failure("expected redis://host:port[/db] or unix:///path/to/socket")
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        var rest = Substring(url[schemeEnd.upperBound...])
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var address: RedisAddress
        switch scheme {
        case "redis":
            address = try parseNetwork(rest)
        case "unix", "redis+unix":
            address = try parseUnix(rest)
        case "rediss":
            throw failure("TLS (rediss://) is not supported; use redis:// or a unix socket")
        default:
            throw failure("unknown scheme \"\(scheme)\"; expected redis, unix or redis+unix")
        }
        try applyQuery(query, to: &address)
        return address
    }

    private func parseNetwork(_ text: Substring) throws -> RedisAddress {
        var authority = text
        var path: Substring = ""
        if let slash = text.firstIndex(of: "/") {
            authority = text[..<slash]
            path = text[text.index(after: slash)...]
        }
        var credentials: (String?, String?) = (nil, nil)
        if let at = authority.lastIndex(of: "@") {
            credentials = try parseUserInfo(authority[..<at])
            authority = authority[authority.index(after: at)...]
        }
        let (host, port) = try parseHostPort(authority)
        var database = 0
        if !path.isEmpty {
            database = try parseDatabase(path, what: "the path")
        }
        return RedisAddress(endpoint: .tcp(host: host, port: port), username: credentials.0,
                            password: credentials.1, database: database)
    }

    private func parseUnix(_ text: Substring) throws -> RedisAddress {
        var path = text
        var credentials: (String?, String?) = (nil, nil)
        if !text.hasPrefix("/"), let at = text.firstIndex(of: "@") {
            credentials = try parseUserInfo(text[..<at])
            path = text[text.index(after: at)...]
        }
        guard path.hasPrefix("/"), path.count > 1 else {
            throw failure("a unix socket URL needs an absolute path, as in unix:///run/redis/redis.sock")
        }
        return RedisAddress(endpoint: .unix(path: try decode(path, what: "the socket path")),
                            username: credentials.0, password: credentials.1)
    }

    private func parseUserInfo(_ text: Substring) throws -> (String?, String?) {
        guard let colon = text.firstIndex(of: ":") else {
            throw failure("the part before @ must be :password or user:password")
        }
        let user = try decode(text[..<colon], what: "the user name")
        let password = try decode(text[text.index(after: colon)...], what: "the password")
        return (user.isEmpty ? nil : user, password.isEmpty ? nil : password)
    }

    private func parseHostPort(_ text: Substring) throws -> (String, Int) {
        var host: Substring
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw failure("unterminated [ in the IPv6 host") }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw failure("unexpected \"\(after)\" after the IPv6 host") }
                portText = after.dropFirst()
            }
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            host = text
        }
        guard !host.isEmpty else { throw failure("the host is missing") }
        var port = RedisAddress.defaultPort
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw failure("the port \"\(portText)\" is not a number from 1 to 65535")
            }
            port = value
        }
        return (String(host), port)
    }

    private func parseDatabase(_ text: Substring, what: String) throws -> Int {
        guard let value = Int(text), value >= 0 else {
            throw failure("\(what) \"\(text)\" is not a database number (0, 1, 2, ...)")
        }
        return value
    }

    private func applyQuery(_ query: Substring, to address: inout RedisAddress) throws {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts[0]
            let value = parts.count > 1 ? parts[1] : ""
            switch name {
            case "db":
                address.database = try parseDatabase(value, what: "db")
            case "password":
                address.password = try decode(value, what: "the password")
            default:
                throw failure("unknown query parameter \"\(name)\"; expected db or password")
            }
        }
    }

    private func decode(_ text: Substring, what: String) throws -> String {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw failure("bad %-escape in \(what)")
            }
            bytes.append(high << 4 | low)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    private func failure(_ reason: String) -> RedisError {
        .invalidURL(redacted, reason: reason)
    }

    /// The URL with any password replaced by `***`.
    private var redacted: String {
        var text = url
        if let schemeEnd = text.firstRange(of: "://"), let at = text[schemeEnd.upperBound...].firstIndex(of: "@"),
           let colon = text[schemeEnd.upperBound..<at].firstIndex(of: ":") {
            text.replaceSubrange(text.index(after: colon)..<at, with: "***")
        }
        if let range = text.firstRange(of: "password=") {
            let end = text[range.upperBound...].firstIndex(of: "&") ?? text.endIndex
            text.replaceSubrange(range.upperBound..<end, with: "***")
        }
        return text
    }
}
