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
        var named: [String] = also
        for field in headers where UpstreamText.sameFieldName(field.0, "connection") {
            named += UpstreamText.listElements([field.1])
        }
        return headers.filter { field in !isHopByHop(field.0, named: named) }
    }

    /// Whether the field called `name` is hop-by-hop (or one of `named`, lowercase), without allocating.
    static func isHopByHop(_ name: String, named: [String]) -> Bool {
        if fixed.contains(where: { UpstreamText.sameFieldName(name, $0) }) { return true }
        if named.contains(where: { UpstreamText.sameFieldName(name, $0) }) { return true }
        return UpstreamText.hasFieldNamePrefix(name, "proxy-")
    }
}
