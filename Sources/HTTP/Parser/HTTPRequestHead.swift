import Glibc

/// A request method: a token, compared exactly (methods are case-sensitive).
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    /// The method called `rawValue`.
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let GET = HTTPMethod(rawValue: "GET")
    public static let HEAD = HTTPMethod(rawValue: "HEAD")
    public static let POST = HTTPMethod(rawValue: "POST")
    public static let PUT = HTTPMethod(rawValue: "PUT")
    public static let PATCH = HTTPMethod(rawValue: "PATCH")
    public static let DELETE = HTTPMethod(rawValue: "DELETE")
    public static let OPTIONS = HTTPMethod(rawValue: "OPTIONS")
    public static let TRACE = HTTPMethod(rawValue: "TRACE")
    public static let CONNECT = HTTPMethod(rawValue: "CONNECT")
}

/// The HTTP versions the parser accepts.
public enum HTTPVersion: Sendable, Equatable {
    case http1_0
    case http1_1

    /// `HTTP/1.0` or `HTTP/1.1`.
    public var text: String { self == .http1_0 ? "HTTP/1.0" : "HTTP/1.1" }
}

/// How the body of a request is delimited.
public enum HTTPBodyFraming: Equatable, Sendable {
    /// No body.
    case none
    /// Exactly this many bytes (more than zero).
    case length(Int)
    /// Chunked transfer coding.
    case chunked
}

/// A parsed request line and header section.
public struct HTTPRequestHead {
    public var method: HTTPMethod
    /// The request-target as received (origin-form, absolute-form or `*`).
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    /// Whether the connection may carry another request after this one.
    public var keepAlive: Bool
    public var framing: HTTPBodyFraming
    /// Whether the client sent `Expect: 100-continue`.
    public var expectsContinue: Bool

    /// A head as the parser makes it (tests may build one too).
    public init(method: HTTPMethod, target: String, version: HTTPVersion = .http1_1, headers: HTTPHeaders = HTTPHeaders(),
                keepAlive: Bool = true, framing: HTTPBodyFraming = .none, expectsContinue: Bool = false) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.keepAlive = keepAlive
        self.framing = framing
        self.expectsContinue = expectsContinue
    }

    /// The path part of the target (for absolute-form, the path after the authority; `/` if empty), not decoded.
    public var rawPath: Substring { rawPathAndQuery.path }

    /// The query part of the target, without the `?`, not decoded; empty when there is none.
    public var rawQuery: Substring { rawPathAndQuery.query }

    /// `rawPath` and `rawQuery` from one scan of the target's bytes.
    public var rawPathAndQuery: (path: Substring, query: Substring) {
        var target = target
        let bytes = target.withUTF8 { Self.pathAndQueryOffsets(in: $0) }
        // The split points are ASCII bytes (`/`, `?`), so the UTF-8 slices are whole-character substrings.
        let utf8 = target.utf8
        let path = bytes.path.map { Substring(utf8[utf8.index(utf8.startIndex, offsetBy: $0.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: $0.upperBound)]) } ?? "/"
        let query = bytes.queryStart.map { Substring(utf8[utf8.index(utf8.startIndex, offsetBy: $0)...]) } ?? ""
        return (path, query)
    }

    /// Byte offsets of the path (nil: none, read as `/`) and of the query's first byte (nil: no `?`).
    static func pathAndQueryOffsets(in bytes: UnsafeBufferPointer<UInt8>) -> (path: Range<Int>?, queryStart: Int?) {
        let question = bytes.isEmpty ? nil : memchr(bytes.baseAddress!, 0x3F, bytes.count).map { UnsafeRawPointer($0) - UnsafeRawPointer(bytes.baseAddress!) }
        let queryStart = question.map { $0 + 1 }
        guard let first = bytes.first, first != 0x2F && first != 0x2A else { return (0..<(question ?? bytes.count), queryStart) }
        // absolute-form: skip "scheme://authority"
        guard let colon = bytes.firstIndex(of: 0x3A) else { return (nil, queryStart) }
        let authority = min(colon + 3, bytes.count)
        guard let pathStart = bytes[authority...].firstIndex(where: { $0 == 0x2F || $0 == 0x3F }),
              bytes[pathStart] == 0x2F else { return (nil, queryStart) }
        return (pathStart..<(bytes[pathStart...].firstIndex(of: 0x3F) ?? bytes.count), queryStart)
    }
}
