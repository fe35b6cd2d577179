/// How a request proved who it is.
public enum AuthMethod: Equatable, Sendable {
    case token(APIToken)
    case basic
    case session(SessionStore.Session)
}

/// A signed-in user, how they signed in, and what they may do.
public struct Identity: Equatable, Sendable {
    public let user: UserRecord
    public let method: AuthMethod
    public let permissions: Permissions
}

/// Why a request is refused before any endpoint runs; `detail` is DRF's message.
public struct AuthFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// 401 (bad credentials), 403 (CSRF) or 429 (too many failed logins).
    public let status: Int
    public let detail: String
    public let retryAfterSeconds: Int?

    public init(status: Int, detail: String, retryAfterSeconds: Int? = nil) {
        self.status = status
        self.detail = detail
        self.retryAfterSeconds = retryAfterSeconds
    }

    public static let notProvided = AuthFailure(status: 401, detail: "Authentication credentials were not provided.")
    public static let invalidCredentials = AuthFailure(status: 401, detail: "Invalid username/password.")
    public static let invalidToken = AuthFailure(status: 401, detail: "Invalid token.")
    public static let inactive = AuthFailure(status: 401, detail: "User inactive or deleted.")

    static func throttled(_ seconds: Int) -> AuthFailure {
        AuthFailure(status: 429, detail: "Request was throttled. Expected available in \(seconds) seconds.",
                    retryAfterSeconds: seconds)
    }

    public var description: String { "\(status) \(detail)" }
}

/// The result of authenticating a request.
public enum AuthOutcome: Equatable, Sendable {
    /// No credentials at all: endpoints that need a user answer 401 `notProvided`.
    case anonymous
    case authenticated(Identity)
    case failed(AuthFailure)
}

/// The parts of an HTTP request that authentication reads (the HTTP types stay out of this module).
public struct AuthRequest: Sendable {
    public var method: String
    public var authorization: String?
    public var cookies: [String: String]
    public var csrfHeader: String?
    public var origin: String?
    public var referer: String?
    public var host: String?
    public var isSecure: Bool
    public var remoteAddress: String

    public init(method: String, authorization: String? = nil, cookies: [String: String] = [:], csrfHeader: String? = nil,
                origin: String? = nil, referer: String? = nil, host: String? = nil, isSecure: Bool = false,
                remoteAddress: String = "") {
        self.method = method
        self.authorization = authorization
        self.cookies = cookies
        self.csrfHeader = csrfHeader
        self.origin = origin
        self.referer = referer
        self.host = host
        self.isSecure = isSecure
        self.remoteAddress = remoteAddress
    }
}
