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
        var connection: [String] = []
        for field in headers where field.0.utf8.count == 10 && UpstreamText.sameFieldName(field.0, "connection") {
            connection.append(field.1)
        }
        var kept: [(String, String)] = []
        // Room for the few fields a proxy adds (X-Forwarded-*), so that adding them does not copy.
        kept.reserveCapacity(headers.count + 4)
        for field in headers where !isHopByHop(field.0, also: also, connection: connection) { kept.append(field) }
        return kept
    }

    /// Whether the field called `name` is hop-by-hop: in the fixed set, a `Proxy-*` field, named by
    /// one of the `connection` values (the message's Connection fields), or one of `also` (lowercase).
    /// Allocates nothing.
    public static func isHopByHop(_ name: String, also: [String] = [], connection: [String]) -> Bool {
        if isFixed(name) { return true }
        if also.contains(where: { UpstreamText.sameFieldName(name, $0) }) { return true }
        if UpstreamText.hasFieldNamePrefix(name, "proxy-") { return true }
        return !connection.isEmpty && UpstreamText.listContains(connection, name)
    }

    /// One of `fixed`, by length first: most names are ruled out without comparing a byte.
    private static func isFixed(_ name: String) -> Bool {
        switch name.utf8.count {
        case 2: return UpstreamText.sameFieldName(name, "te")
        case 7: return UpstreamText.sameFieldName(name, "trailer") || UpstreamText.sameFieldName(name, "upgrade")
        case 10: return UpstreamText.sameFieldName(name, "connection") || UpstreamText.sameFieldName(name, "keep-alive")
        case 17: return UpstreamText.sameFieldName(name, "transfer-encoding")
        default: return false
        }
    }
}
