/// Django's CSRF check for requests authenticated by a session cookie (token and Basic requests
/// are exempt, as in DRF): unsafe methods need the `X-CSRFToken` header to carry the secret of the
/// `csrftoken` cookie, and a browser's `Origin`, when sent, must be this site or a trusted origin.
public struct CSRFCheck: Sendable {
    /// Methods Django lets through without a token.
    public static let safeMethods: Set<String> = ["GET", "HEAD", "OPTIONS", "TRACE"]

    /// The parts of a request the check reads.
    public struct Input: Sendable {
        public var method: String
        public var cookie: String?
        public var header: String?
        public var origin: String?
        public var referer: String?
        public var host: String?
        public var isSecure: Bool
        public init(method: String, cookie: String?, header: String?, origin: String? = nil, referer: String? = nil,
                    host: String? = nil, isSecure: Bool = false) {
            self.method = method
            self.cookie = cookie
            self.header = header
            self.origin = origin
            self.referer = referer
            self.host = host
            self.isSecure = isSecure
        }
    }

    /// `scheme://host[:port]` origins accepted besides the request's own host (CSRF_TRUSTED_ORIGINS).
    public var trustedOrigins: Set<String>

    public init(trustedOrigins: Set<String> = []) { self.trustedOrigins = trustedOrigins }

    /// nil when the request passes; otherwise Django's reason (DRF answers 403 "CSRF Failed: <reason>").
    public func failure(_ input: Input) -> String? {
        if Self.safeMethods.contains(input.method.uppercased()) { return nil }
        if let origin = input.origin, origin != "null" {
            let own = input.host.map { (input.isSecure ? "https://" : "http://") + $0.lowercased() }
            if origin.lowercased() != own && !trustedOrigins.contains(origin.lowercased()) {
                return "Origin checking failed - \(origin) does not match any trusted origins."
            }
        } else if input.isSecure {
            guard let referer = input.referer, !referer.isEmpty else { return "Referer checking failed - no Referer." }
            let own = input.host.map { "https://" + $0.lowercased() + "/" }
            let matches = own.map { referer.lowercased().hasPrefix($0) } ?? false
            if !matches && !trustedOrigins.contains(where: { referer.lowercased().hasPrefix($0 + "/") }) {
                return "Referer checking failed - \(referer) does not match any trusted origins."
            }
        }
        guard let cookie = input.cookie, let cookieSecret = CSRFToken.secret(of: cookie) else {
            return "CSRF cookie not set."
        }
        guard let header = input.header, !header.isEmpty else { return "CSRF token missing." }
        guard let headerSecret = CSRFToken.secret(of: header) else {
            return "CSRF token from the 'X-Csrftoken' HTTP header has incorrect length."
        }
        return ConstantTime.equal(cookieSecret, headerSecret) ? nil : "CSRF token from the 'X-Csrftoken' HTTP header incorrect."
    }
}
