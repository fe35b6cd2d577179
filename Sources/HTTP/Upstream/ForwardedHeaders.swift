/// The header fields sent upstream for a client's request.
public enum ForwardedHeaders {
    /// Request fields not passed on: the engine framed the body itself, and the forwarding fields are rewritten.
    static let replaced = ["content-length", "expect", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"]

    /// `headers` without hop-by-hop fields, the client's framing and `Expect` (the engine has already
    /// answered any 100-continue and holds the whole body), plus `X-Forwarded-For`
    /// (the client's address; appended to the incoming value only if `trustIncomingForwardedFor`),
    /// `X-Forwarded-Proto` and `X-Forwarded-Host` (the client's `Host`). A missing `Host` becomes
    /// `localhost`, since HTTP/1.1 requires one.
    public static func forRequest(_ headers: [(String, String)], clientAddress: String, scheme: String,
                                  trustIncomingForwardedFor: Bool) -> [(String, String)] {
        func isNamed(_ field: (String, String), _ name: String) -> Bool { UpstreamText.sameFieldName(field.0, name) }
        let host = headers.first { isNamed($0, "host") }?.1
        var result = HopByHopHeaders.removing(from: headers, also: replaced)
        if host == nil { result.insert(("Host", "localhost"), at: 0) }
        if trustIncomingForwardedFor {
            let chain = headers.filter { isNamed($0, "x-forwarded-for") }.map(\.1) + [clientAddress]
            result.append(("X-Forwarded-For", chain.joined(separator: ", ")))
        } else {
            result.append(("X-Forwarded-For", clientAddress))
        }
        result.append(("X-Forwarded-Proto", scheme))
        if let host { result.append(("X-Forwarded-Host", host)) }
        return result
    }

    /// Whether the field named `name` is one of `replaced` (on its bytes).
    static func isReplaced(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        switch name.count {
        case 6: return equalsIgnoringASCIICase(name, "expect")
        case 14: return equalsIgnoringASCIICase(name, "content-length")
        case 15: return equalsIgnoringASCIICase(name, "x-forwarded-for")
        case 16: return equalsIgnoringASCIICase(name, "x-forwarded-host")
        case 17: return equalsIgnoringASCIICase(name, "x-forwarded-proto")
        default: return false
        }
    }
}
