import Glibc

/// The body of a request as the server received it.
public enum HTTPRequestBody {
    /// No body.
    case none
    /// A body small enough to keep in memory.
    case bytes([UInt8])
    /// A body larger than the in-memory threshold, stored in a temporary file that the server deletes after the response.
    case file(path: String, length: Int)

    /// The body's length in bytes.
    public var count: Int {
        switch self {
        case .none: return 0
        case .bytes(let bytes): return bytes.count
        case .file(_, let length): return length
        }
    }

    /// The whole body in memory (reads the temporary file if there is one); nil if the file cannot be read.
    public func readAll() -> [UInt8]? {
        switch self {
        case .none: return []
        case .bytes(let bytes): return bytes
        case .file(let path, let length):
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            var out = [UInt8](repeating: 0, count: length)
            var done = 0
            while done < length {
                let n = out.withUnsafeMutableBytes { read(fd, $0.baseAddress! + done, length - done) }
                if n <= 0 { return nil }
                done += n
            }
            return out
        }
    }
}

/// A request as handlers see it: decoded path, query, headers, cookies and body.
public final class HTTPRequest {
    public let method: HTTPMethod
    /// The normalised, percent-decoded path (always starts with `/`).
    public let path: String
    /// The query string without `?`, still percent-encoded.
    public let rawQuery: String
    /// The request-target exactly as received (a proxy forwards it; a file server decodes it itself).
    public let target: String
    public let version: HTTPVersion
    public let headers: HTTPHeaders
    public internal(set) var body: HTTPRequestBody
    /// The peer's address (`ip:port`, or the unix socket path or `unix` for unix sockets).
    public let remoteAddress: String
    /// The request id: the client's `X-Request-ID` when sane, otherwise one the server made.
    public let requestID: String
    /// Values of the route's `:name` segments (and of its `*rest`), read from the path on first use.
    public internal(set) var pathParameters: [String: String] {
        get {
            if let (router, candidate) = unreadPathParameters {
                unreadPathParameters = nil
                storedPathParameters = router.parameters(of: candidate, in: path)
            }
            return storedPathParameters
        }
        set {
            unreadPathParameters = nil
            storedPathParameters = newValue
        }
    }

    private var storedPathParameters: [String: String] = [:]
    /// Where the parameters come from, until someone asks for them.
    var unreadPathParameters: (Router, RouteTree.Candidate)?

    private var parsedQuery: [(String, String)]?
    private var parsedCookies: [String: String]?

    /// `target` defaults to `path`, with `?rawQuery` when there is a query.
    public init(method: HTTPMethod, path: String, rawQuery: String = "", target: String? = nil,
                version: HTTPVersion = .http1_1, headers: HTTPHeaders = HTTPHeaders(), body: HTTPRequestBody = .none,
                remoteAddress: String = "", requestID: String = "") {
        self.method = method
        self.path = path
        self.rawQuery = rawQuery
        self.target = target ?? (rawQuery.isEmpty ? path : path + "?" + rawQuery)
        self.version = version
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.requestID = requestID
    }

    /// The target up to its `?`, still percent-encoded: what a file responder resolves itself.
    public var targetPath: String {
        var target = target
        guard let question = target.withUTF8({ $0.firstIndex(of: UInt8(ascii: "?")) }) else { return target }
        return String(target[..<target.utf8.index(target.utf8.startIndex, offsetBy: question)])
    }

    /// Query parameters in order, decoded (`+` is a space); parsed on first use.
    public var queryItems: [(String, String)] {
        if let parsedQuery { return parsedQuery }
        let items = FormURLEncoding.parse(rawQuery)
        parsedQuery = items
        return items
    }

    /// The first value of query parameter `name`.
    public func query(_ name: String) -> String? {
        queryItems.first { $0.0 == name }?.1
    }

    /// Every value of query parameter `name`.
    public func queryValues(_ name: String) -> [String] {
        queryItems.filter { $0.0 == name }.map(\.1)
    }

    /// Cookies from the `Cookie` headers; parsed on first use (the first of duplicate names wins).
    public var cookies: [String: String] {
        if let parsedCookies { return parsedCookies }
        var result: [String: String] = [:]
        for header in headers.values("Cookie") {
            for pair in header.split(separator: ";") {
                let trimmed = pair.trimmingSpaces()
                guard let equals = trimmed.firstIndex(of: "=") else { continue }
                let name = String(trimmed[..<equals])
                var value = trimmed[trimmed.index(after: equals)...]
                if value.count >= 2 && value.first == "\"" && value.last == "\"" { value = value.dropFirst().dropLast() }
                if !name.isEmpty && result[name] == nil { result[name] = String(value) }
            }
        }
        parsedCookies = result
        return result
    }
}

/// `application/x-www-form-urlencoded` decoding, as used by query strings and simple forms.
public enum FormURLEncoding {
    /// Splits `text` on `&` and `=`, decoding `+` and percent-escapes; malformed escapes are kept as they are.
    public static func parse(_ text: String) -> [(String, String)] {
        guard !text.isEmpty else { return [] }
        var items: [(String, String)] = []
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            if let equals = pair.firstIndex(of: "=") {
                items.append((decode(pair[..<equals]), decode(pair[pair.index(after: equals)...])))
            } else {
                items.append((decode(pair), ""))
            }
        }
        return items
    }

    /// Decodes `+` and `%XX`.
    public static func decode(_ text: Substring) -> String {
        let utf8 = Array(text.utf8)
        guard utf8.contains(where: { $0 == 0x25 || $0 == 0x2B }) else { return String(text) }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var i = 0
        while i < utf8.count {
            let b = utf8[i]
            if b == 0x2B {
                out.append(0x20)
            } else if b == 0x25, i + 2 < utf8.count, let high = hexValue(utf8[i + 1]), let low = hexValue(utf8[i + 2]) {
                out.append(UInt8(high * 16 + low))
                i += 2
            } else {
                out.append(b)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
