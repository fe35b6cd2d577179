/// The header fields sent upstream for a client's request.
public enum ForwardedHeaders {
    /// `headers` without hop-by-hop fields, the client's framing and `Expect` (the engine has already
    /// answered any 100-continue and holds the whole body), plus `X-Forwarded-For`
    /// (the client's address; appended to the incoming value only if `trustIncomingForwardedFor`),
    /// `X-Forwarded-Proto` and `X-Forwarded-Host` (the client's `Host`). A missing `Host` becomes
    /// `localhost`, since HTTP/1.1 requires one.
    public static func forRequest(_ headers: [(String, String)], clientAddress: String, scheme: String,
                                  trustIncomingForwardedFor: Bool) -> [(String, String)] {
        func isNamed(_ field: (String, String), _ name: String) -> Bool { UpstreamText.sameFieldName(field.0, name) }
        let incomingForwardedFor = headers.filter { isNamed($0, "x-forwarded-for") }.map(\.1)
        let host = headers.first { isNamed($0, "host") }?.1
        var result = HopByHopHeaders.removing(from: headers).filter { field in
            !["content-length", "expect", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"].contains { isNamed(field, $0) }
        }
        if host == nil { result.insert(("Host", "localhost"), at: 0) }
        let chain = trustIncomingForwardedFor ? incomingForwardedFor + [clientAddress] : [clientAddress]
        result.append(("X-Forwarded-For", chain.joined(separator: ", ")))
        result.append(("X-Forwarded-Proto", scheme))
        if let host { result.append(("X-Forwarded-Host", host)) }
        return result
    }
}
