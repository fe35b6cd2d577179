/// How the body of an upstream response is delimited.
public enum UpstreamBodyFraming: Equatable, Sendable {
    /// No body (HEAD request, 204, 304, 1xx).
    case none
    case contentLength(Int64)
    case chunked
    /// The body ends when the upstream closes the connection (also after 101 Switching Protocols).
    case untilClose
}

/// The status line and header fields of an upstream response. The fields stay the bytes received
/// (ranges into the head), so passing them on to a client copies and converts nothing.
public struct UpstreamResponseHead: Equatable, Sendable {
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    public var minorVersion: Int
    public var status: Int
    public var reason: String
    /// The fields as received, in order.
    public var fields: HTTPHeaders {
        didSet { clientDropMask = nil }
    }
    public var framing: UpstreamBodyFraming
    /// Bit n set for field n that the client must not see, as the parser found while reading the
    /// fields (nil when not known: more than 64 fields, or fields not from the parser).
    var clientDropMask: UInt64?

    public init(minorVersion: Int, status: Int, reason: String, fields: HTTPHeaders, framing: UpstreamBodyFraming) {
        self.init(minorVersion: minorVersion, status: status, reason: reason, fields: fields, framing: framing, clientDropMask: nil)
    }

    init(minorVersion: Int, status: Int, reason: String, fields: HTTPHeaders, framing: UpstreamBodyFraming, clientDropMask: UInt64?) {
        self.minorVersion = minorVersion
        self.status = status
        self.reason = reason
        self.fields = fields
        self.framing = framing
        self.clientDropMask = clientDropMask
    }

    public init(minorVersion: Int, status: Int, reason: String, headers: [(String, String)], framing: UpstreamBodyFraming) {
        self.init(minorVersion: minorVersion, status: status, reason: reason, fields: HTTPHeaders(headers), framing: framing)
    }

    /// The fields as received, in order, as strings.
    public var headers: [(String, String)] { fields.map { ($0.name, $0.value) } }

    /// The fields to pass on to the client: hop-by-hop fields removed (`Transfer-Encoding` among
    /// them); `Content-Length` stays when it delimits the body (or describes the GET for a HEAD/304),
    /// so its absence tells the engine to frame the body itself (chunked, or close).
    public var forwardableHeaders: [(String, String)] { fields.removingHopByHop().map { ($0.name, $0.value) } }

    /// The forwardable fields without `Date` (an engine writes its own; two would make the response
    /// malformed), as the fields of the response to the client; they share the received bytes.
    public var clientHeaders: HTTPHeaders {
        guard let dropped = clientDropMask else {
            return fields.removingHopByHop { $0.count == 4 && equalsIgnoringASCIICase($0, "date") }
        }
        var kept: [HTTPHeaders.Field] = []
        kept.reserveCapacity(fields.count - dropped.nonzeroBitCount)
        for (index, field) in fields.fields.enumerated() where dropped >> UInt64(index) & 1 == 0 { kept.append(field) }
        return HTTPHeaders(storage: fields.storage, fields: kept)
    }

    /// The first value of `name` (case-insensitive).
    public func header(_ name: String) -> String? { fields[name] }

    public static func == (lhs: UpstreamResponseHead, rhs: UpstreamResponseHead) -> Bool {
        lhs.minorVersion == rhs.minorVersion && lhs.status == rhs.status && lhs.reason == rhs.reason
            && lhs.framing == rhs.framing && lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}
