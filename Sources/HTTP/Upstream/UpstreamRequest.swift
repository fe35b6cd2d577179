import Glibc

/// The body of a request to forward.
public enum UpstreamRequestBody: Sendable {
    case none
    case bytes([UInt8])
    /// `length` bytes of the open file `fd` from `offset` (an upload spooled to disk). Read with
    /// `pread`, so the caller's file offset is untouched and a retry can send it again.
    case file(fd: Int32, offset: Int64, length: Int64)

    var length: Int64 {
        switch self {
        case .none: return 0
        case .bytes(let bytes): return Int64(bytes.count)
        case .file(_, _, let length): return length
        }
    }
}

/// A request as received from a client, to be forwarded upstream.
public struct UpstreamRequest: Sendable {
    public var method: String
    /// The origin-form target, `/path?query`.
    public var target: String
    /// The client's header fields, as received.
    public var headers: [(String, String)]
    public var body: UpstreamRequestBody
    /// The client's IP address, for `X-Forwarded-For`.
    public var clientAddress: String
    /// `http` or `https`, for `X-Forwarded-Proto`.
    public var scheme: String

    public init(method: String, target: String, headers: [(String, String)], body: UpstreamRequestBody = .none,
                clientAddress: String, scheme: String = "http") {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.clientAddress = clientAddress
        self.scheme = scheme
    }

    /// Methods that may be sent twice (RFC 9110 section 9.2.2).
    public var isIdempotent: Bool {
        ["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"].contains(method)
    }
}
