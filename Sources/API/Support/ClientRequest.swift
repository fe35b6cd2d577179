import Auth
import HTTP

/// How a request reached us: through `stockroom-proxy` (a unix-socket peer, whose `X-Forwarded-*`
/// headers are trusted) or directly (whose are not).
struct ClientRequest {
    let address: String
    let host: String?
    let isSecure: Bool

    init(_ request: HTTPRequest) {
        let viaProxy = request.remoteAddress == "unix" || request.remoteAddress.hasPrefix("/")
        if viaProxy, let chain = request.headers["X-Forwarded-For"],
           let last = chain.split(separator: ",").last.map({ String($0).trimmingWhitespaceForAPI() }), !last.isEmpty {
            address = last
        } else {
            address = ClientRequest.stripPort(request.remoteAddress)
        }
        host = (viaProxy ? request.headers["X-Forwarded-Host"] : nil) ?? request.headers["Host"]
        isSecure = viaProxy && request.headers["X-Forwarded-Proto"]?.lowercased() == "https"
    }

    /// `1.2.3.4:5678` -> `1.2.3.4`, `[::1]:80` -> `::1`.
    static func stripPort(_ address: String) -> String {
        if address.hasPrefix("["), let close = address.firstIndex(of: "]") {
            return String(address[address.index(after: address.startIndex)..<close])
        }
        if address.filter({ $0 == ":" }).count == 1, let colon = address.firstIndex(of: ":") {
            return String(address[..<colon])
        }
        return address
    }

    /// The request as the authenticator reads it.
    func authRequest(_ request: HTTPRequest) -> AuthRequest {
        AuthRequest(method: request.method.rawValue, authorization: request.headers["Authorization"],
                    cookies: request.cookies, csrfHeader: request.headers["X-CSRFToken"],
                    origin: request.headers["Origin"], referer: request.headers["Referer"], host: host,
                    isSecure: isSecure, remoteAddress: address)
    }

    /// Django's `build_absolute_uri` for `path` and `query`.
    func absoluteURL(path: String, query: String) -> String {
        let base = (isSecure ? "https://" : "http://") + (host ?? "localhost") + path
        return query.isEmpty ? base : base + "?" + query
    }
}

extension StringProtocol {
    func trimmingWhitespaceForAPI() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
