/// Hop-by-hop header fields (RFC 9110 section 7.6.1), which a proxy must not forward.
public enum HopByHopHeaders {
    static let fixed: Set<String> = ["connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade"]

    /// `headers` without the hop-by-hop fields: the fixed set, any `Proxy-*` field, and every field
    /// named in `Connection`.
    public static func removing(from headers: [(String, String)]) -> [(String, String)] {
        let named = Set(UpstreamText.listElements(headers.filter { UpstreamText.sameFieldName($0.0, "connection") }.map(\.1)))
        return headers.filter { field in
            let name = UpstreamText.lowercased(Substring(field.0))
            return !fixed.contains(name) && !name.hasPrefix("proxy-") && !named.contains(name)
        }
    }
}
