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
    /// Where the fields are.
    private enum Fields: Sendable {
        /// From the parser: the head's bytes with the ranges of the fields the client may see (the
        /// parser found them on its one pass); all fields are found again in the bytes when asked for.
        case received(client: HTTPHeaders)
        /// Given whole.
        case given(HTTPHeaders)
    }

    /// The parts in one reference-counted box: a head goes through several events and actions on
    /// its way to the client, and copying one reference costs a fraction of copying the reason, the
    /// fields' arrays and the rest.
    private final class Parts: Sendable {
        let minorVersion: Int
        let status: Int
        let reason: String
        let framing: UpstreamBodyFraming
        let fields: Fields

        init(minorVersion: Int, status: Int, reason: String, framing: UpstreamBodyFraming, fields: Fields) {
            self.minorVersion = minorVersion
            self.status = status
            self.reason = reason
            self.framing = framing
            self.fields = fields
        }
    }

    private var parts: Parts

    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    public var minorVersion: Int {
        get { parts.minorVersion }
        set { parts = Parts(minorVersion: newValue, status: status, reason: reason, framing: framing, fields: parts.fields) }
    }

    public var status: Int {
        get { parts.status }
        set { parts = Parts(minorVersion: minorVersion, status: newValue, reason: reason, framing: framing, fields: parts.fields) }
    }

    public var reason: String {
        get { parts.reason }
        set { parts = Parts(minorVersion: minorVersion, status: status, reason: newValue, framing: framing, fields: parts.fields) }
    }

    /// The fields as received, in order.
    public var fields: HTTPHeaders {
        get {
            switch parts.fields {
            case .given(let fields): return fields
            case .received(let client): return HTTPHeaders(storage: client.storage, fields: UpstreamHeadSyntax.fieldRanges(client.storage))
            }
        }
        set { parts = Parts(minorVersion: minorVersion, status: status, reason: reason, framing: framing, fields: .given(newValue)) }
    }

    public var framing: UpstreamBodyFraming {
        get { parts.framing }
        set { parts = Parts(minorVersion: minorVersion, status: status, reason: reason, framing: newValue, fields: parts.fields) }
    }

    public init(minorVersion: Int, status: Int, reason: String, fields: HTTPHeaders, framing: UpstreamBodyFraming) {
        parts = Parts(minorVersion: minorVersion, status: status, reason: reason, framing: framing, fields: .given(fields))
    }

    public init(minorVersion: Int, status: Int, reason: String, headers: [(String, String)], framing: UpstreamBodyFraming) {
        self.init(minorVersion: minorVersion, status: status, reason: reason, fields: HTTPHeaders(headers), framing: framing)
    }

    /// A parsed head: `client` holds the head's bytes (status line to blank line) and the fields the client may see.
    init(minorVersion: Int, status: Int, reason: String, framing: UpstreamBodyFraming, client: HTTPHeaders) {
        parts = Parts(minorVersion: minorVersion, status: status, reason: reason, framing: framing, fields: .received(client: client))
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
        switch parts.fields {
        case .received(let client): return client
        case .given(let fields): return fields.removingHopByHop { $0.count == 4 && equalsIgnoringASCIICase($0, "date") }
        }
    }

    /// The first value of `name` (case-insensitive).
    public func header(_ name: String) -> String? { fields[name] }

    public static func == (lhs: UpstreamResponseHead, rhs: UpstreamResponseHead) -> Bool {
        if lhs.parts === rhs.parts { return true }
        let left = lhs.fields
        let right = rhs.fields
        return lhs.minorVersion == rhs.minorVersion && lhs.status == rhs.status && lhs.reason == rhs.reason
            && lhs.framing == rhs.framing && left.count == right.count
            && zip(left, right).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}
