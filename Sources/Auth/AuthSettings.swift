import Daemon

/// Authentication settings from the configuration.
public struct AuthSettings: Sendable {
    /// Server secret for the Basic credential cache keys (`secret_key` from credentials or `secret_key_file`;
    /// a random one per process when none is configured, which only narrows the cache to the process).
    public var secret: [UInt8]
    /// Mark session and CSRF cookies `Secure` (key `session_cookie_secure`; set it behind HTTPS).
    public var secureCookies: Bool
    /// Session lifetime after login (key `session_lifetime`, default two weeks).
    public var sessionLifetime: Duration
    /// How long a verified Basic header is trusted without PBKDF2 (key `basic_auth_cache`, default 60 s).
    public var basicCacheLifetime: Duration
    /// How often a token's `last_seen` may be written per process (key `token_last_seen_interval`, default 10 min).
    public var tokenTouchInterval: Duration
    /// Iterations for new password hashes (key `password_iterations`, default Django's 1,000,000).
    public var passwordIterations: Int
    /// Failed logins allowed per user and window (keys `login_user_failures`, `login_user_window`).
    public var userRule: LoginRateLimiter.Rule
    /// Failed logins allowed per address and window (keys `login_address_failures`, `login_address_window`).
    public var addressRule: LoginRateLimiter.Rule
    /// Extra origins accepted by the CSRF check (key `csrf_trusted_origins`, comma-separated).
    public var trustedOrigins: Set<String>

    /// Defaults with a random secret (tests, development).
    public init() {
        secret = SecureRandom.bytes(32)
        secureCookies = false
        sessionLifetime = .seconds(1_209_600)
        basicCacheLifetime = .seconds(60)
        tokenTouchInterval = .seconds(600)
        passwordIterations = PasswordPolicy.djangoIterations
        userRule = LoginRateLimiter.defaultUserRule
        addressRule = LoginRateLimiter.defaultAddressRule
        trustedOrigins = []
    }

    public init(_ configuration: Configuration) throws {
        self.init()
        if let key = try configuration.secret("secret_key"), !key.isEmpty { secret = Array(key.utf8) }
        secureCookies = try configuration.bool("session_cookie_secure", default: false)
        sessionLifetime = try configuration.duration("session_lifetime", default: sessionLifetime)
        basicCacheLifetime = try configuration.duration("basic_auth_cache", default: basicCacheLifetime)
        tokenTouchInterval = try configuration.duration("token_last_seen_interval", default: tokenTouchInterval)
        passwordIterations = try configuration.int("password_iterations", default: passwordIterations, range: 1...100_000_000)
        userRule = .init(failures: try configuration.int("login_user_failures", default: userRule.failures, range: 1...100_000),
                         window: try configuration.duration("login_user_window", default: userRule.window))
        addressRule = .init(failures: try configuration.int("login_address_failures", default: addressRule.failures, range: 1...100_000),
                            window: try configuration.duration("login_address_window", default: addressRule.window))
        let origins = try configuration.string("csrf_trusted_origins", default: "")
        trustedOrigins = Set(origins.split(separator: ",").map { $0.trimmingWhitespace().lowercased() }.filter { !$0.isEmpty })
    }
}
