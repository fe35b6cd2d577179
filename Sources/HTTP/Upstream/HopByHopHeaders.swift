/// Hop-by-hop header fields (RFC 9110 section 7.6.1), which a proxy must not forward.
public enum HopByHopHeaders {
    static let fixed: [String] = ["connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade"]

    /// `headers` without the hop-by-hop fields: the fixed set, any `Proxy-*` field, and every field
    /// named in `Connection`.
    public static func removing(from headers: [(String, String)]) -> [(String, String)] {
        removing(from: headers, also: [])
    }

    /// `headers` without the hop-by-hop fields and without the fields named in `also` (lowercase).
    static func removing(from headers: [(String, String)], also: [String]) -> [(String, String)] {
        let connection = headers.filter { UpstreamText.sameFieldName($0.0, "connection") }.map(\.1)
        return headers.filter { field in !isHopByHop(field.0, also: also, connection: connection) }
    }

    /// Whether the field called `name` is hop-by-hop: in the fixed set, a `Proxy-*` field, named by
    /// one of the `connection` values (the message's Connection fields), or one of `also` (lowercase).
    /// Allocates nothing.
    public static func isHopByHop(_ name: String, also: [String] = [], connection: [String]) -> Bool {
        if fixed.contains(where: { UpstreamText.sameFieldName(name, $0) }) { return true }
        if also.contains(where: { UpstreamText.sameFieldName(name, $0) }) { return true }
        if UpstreamText.hasFieldNamePrefix(name, "proxy-") { return true }
        return !connection.isEmpty && UpstreamText.listContains(connection, name)
    }
}
