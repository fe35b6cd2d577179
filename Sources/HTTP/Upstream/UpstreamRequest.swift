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
    /// Where the client's fields come from.
    enum Fields: Sendable {
        /// Given as strings (checked when the request is written).
        case pairs([(String, String)])
        /// As the server parsed them, passed on as bytes.
        case received(HTTPHeaders)
    }

    public var method: String
    /// The origin-form target, `/path?query`.
    public var target: String
    var fields: Fields
    public var body: UpstreamRequestBody
    /// The client's IP address, for `X-Forwarded-For`.
    public var clientAddress: String
    /// `http` or `https`, for `X-Forwarded-Proto`.
    public var scheme: String

    public init(method: String, target: String, headers: [(String, String)], body: UpstreamRequestBody = .none,
                clientAddress: String, scheme: String = "http") {
        self.init(method: method, target: target, fields: .pairs(headers), body: body, clientAddress: clientAddress, scheme: scheme)
    }

    /// A request whose fields are those the server received (`HTTPRequest.headers`): they are
    /// forwarded from their bytes, without becoming strings.
    public init(method: String, target: String, received: HTTPHeaders, body: UpstreamRequestBody = .none,
                clientAddress: String, scheme: String = "http") {
        self.init(method: method, target: target, fields: .received(received), body: body, clientAddress: clientAddress, scheme: scheme)
    }

    private init(method: String, target: String, fields: Fields, body: UpstreamRequestBody, clientAddress: String, scheme: String) {
        self.method = method
        self.target = target
        self.fields = fields
        self.body = body
        self.clientAddress = clientAddress
        self.scheme = scheme
    }

    /// The client's header fields, as received.
    public var headers: [(String, String)] {
        get {
            switch fields {
            case .pairs(let pairs): return pairs
            case .received(let received): return received.map { ($0.name, $0.value) }
            }
        }
        set { fields = .pairs(newValue) }
    }

    /// Methods that may be sent twice (RFC 9110 section 9.2.2).
    public var isIdempotent: Bool {
        switch method {
        case "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE": return true
        default: return false
        }
    }

    /// The request as it goes on the wire: fields rewritten for forwarding (see `ForwardedHeaders`).
    func writer(trustIncomingForwardedFor: Bool) throws -> UpstreamRequestWriter {
        var noBuffer: [UInt8] = []
        return try writer(trustIncomingForwardedFor: trustIncomingForwardedFor, reusing: &noBuffer)
    }

    /// As `writer(trustIncomingForwardedFor:)`; a request as received is written into `buffer`
    /// (taken, leaving it empty) when that has room.
    func writer(trustIncomingForwardedFor: Bool, reusing buffer: inout [UInt8]) throws -> UpstreamRequestWriter {
        switch fields {
        case .pairs(let pairs):
            let headers = ForwardedHeaders.forRequest(pairs, clientAddress: clientAddress, scheme: scheme,
                                                      trustIncomingForwardedFor: trustIncomingForwardedFor)
            return try UpstreamRequestWriter(method: method, target: target, headers: headers, body: body)
        case .received(let received):
            return try UpstreamRequestWriter(method: method, target: target, forwarding: received, clientAddress: clientAddress,
                                             scheme: scheme, trustIncomingForwardedFor: trustIncomingForwardedFor, body: body,
                                             reusing: &buffer)
        }
    }
}
