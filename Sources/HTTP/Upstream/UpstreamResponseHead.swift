/// How the body of an upstream response is delimited.
public enum UpstreamBodyFraming: Equatable, Sendable {
    /// No body (HEAD request, 204, 304, 1xx).
    case none
    case contentLength(Int64)
    case chunked
    /// The body ends when the upstream closes the connection (also after 101 Switching Protocols).
    case untilClose
}

/// The status line and header fields of an upstream response.
public struct UpstreamResponseHead: Equatable, Sendable {
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    public var minorVersion: Int
    public var status: Int
    public var reason: String
    /// The fields as received, in order.
    public var headers: [(String, String)]
    public var framing: UpstreamBodyFraming

    public init(minorVersion: Int, status: Int, reason: String, headers: [(String, String)], framing: UpstreamBodyFraming) {
        self.minorVersion = minorVersion
        self.status = status
        self.reason = reason
        self.headers = headers
        self.framing = framing
    }

    /// The fields to pass on to the client: hop-by-hop fields removed (`Transfer-Encoding` among
    /// them); `Content-Length` stays when it delimits the body (or describes the GET for a HEAD/304),
    /// so its absence tells the engine to frame the body itself (chunked, or close).
    public var forwardableHeaders: [(String, String)] { HopByHopHeaders.removing(from: headers) }

    /// `forwardableHeaders` without `Date` (an engine writes its own; two would make the response
    /// malformed), as the fields of the response to the client.
    public var clientHeaders: HTTPHeaders {
        var connection: [String] = []
        for field in headers where field.0.utf8.count == 10 && UpstreamText.sameFieldName(field.0, "connection") {
            connection.append(field.1)
        }
        var result = HTTPHeaders()
        for field in headers {
            if field.0.utf8.count == 4 && UpstreamText.sameFieldName(field.0, "date") { continue }
            if HopByHopHeaders.isHopByHop(field.0, connection: connection) { continue }
            result.add(name: field.0, value: field.1)
        }
        return result
    }

    /// The first value of `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { UpstreamText.sameFieldName($0.0, name) }?.1
    }

    public static func == (lhs: UpstreamResponseHead, rhs: UpstreamResponseHead) -> Bool {
        lhs.minorVersion == rhs.minorVersion && lhs.status == rhs.status && lhs.reason == rhs.reason
            && lhs.framing == rhs.framing && lhs.headers.count == rhs.headers.count
            && zip(lhs.headers, rhs.headers).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }
}
