import Postgres
import Redis

/// Decides who a request comes from: `Token`/`Bearer` and Basic headers first (exempt from CSRF),
/// else the `sessionid` cookie (CSRF enforced on unsafe methods), else anonymous.
public final class Authenticator: @unchecked Sendable {
    public static let sessionCookie = "sessionid"
    public static let csrfCookie = "csrftoken"

    public let settings: AuthSettings
    public let users: UserStore
    public let tokens: TokenStore
    public let sessions: SessionStore
    public let roles: RoleStore
    public let limiter: LoginRateLimiter
    public let basicCache: VerifiedCredentialCache
    public let policy: PasswordPolicy
    public let csrf: CSRFCheck
    private let log: ((String) -> Void)?

    public init(pool: PostgresPool, redis: RedisPool?, settings: AuthSettings, log: ((String) -> Void)? = nil) {
        self.settings = settings
        self.log = log
        users = UserStore(pool: pool)
        tokens = TokenStore(pool: pool, touchInterval: settings.tokenTouchInterval)
        sessions = SessionStore(pool: pool, redis: redis, lifetime: settings.sessionLifetime)
        roles = RoleStore(pool: pool, redis: redis)
        limiter = LoginRateLimiter(redis: redis, userRule: settings.userRule, addressRule: settings.addressRule, log: log)
        basicCache = VerifiedCredentialCache(secret: settings.secret, lifetime: settings.basicCacheLifetime)
        policy = PasswordPolicy(iterations: settings.passwordIterations)
        csrf = CSRFCheck(trustedOrigins: settings.trustedOrigins)
    }

    /// Authenticates `request`; database errors are thrown (the caller answers 500/503).
    public func authenticate(_ request: AuthRequest) throws -> AuthOutcome {
        if let value = request.authorization, let header = AuthorizationHeader(value) {
            switch header {
            case .token(let key): return try authenticateToken(key)
            case .basic(let username, let password):
                return try authenticateBasic(header: value, username: username, password: password,
                                             address: request.remoteAddress)
            case .malformed(let reason): return .failed(AuthFailure(status: 401, detail: reason))
            case .otherScheme: break
            }
        }
        guard let cookie = request.cookies[Self.sessionCookie], let session = try sessions.session(cookie: cookie) else {
            return .anonymous
        }
        guard let user = try users.user(id: session.userID), user.isActive else { return .anonymous }
        guard session.matches(storedHash: user.passwordHash) else {
            // The password changed since this session began: it is over, as in Django.
            try sessions.delete(cookie: cookie)
            return .anonymous
        }
        if let reason = csrf.failure(CSRFCheck.Input(
            method: request.method, cookie: request.cookies[Self.csrfCookie], header: request.csrfHeader,
            origin: request.origin, referer: request.referer, host: request.host, isSecure: request.isSecure)) {
            return .failed(AuthFailure(status: 403, detail: "CSRF Failed: " + reason))
        }
        return .authenticated(Identity(user: user, method: .session(session), permissions: try permissions(for: user)))
    }

    /// Makes the caches forget what a bulk change (an import, a restore) may have made stale:
    /// role grants and looked-up sessions. PostgreSQL answers until they fill again.
    public func invalidateCaches() throws {
        try roles.invalidate()
        try sessions.forgetCachedSessions()
    }

    /// The permissions of `user` (flags from the row, grants from the role cache).
    public func permissions(for user: UserRecord) throws -> Permissions {
        let grants = user.isSuperuser ? RoleGrants() : try roles.grants(userID: user.id)
        return Permissions(isActive: user.isActive, isSuperuser: user.isSuperuser, isStaff: user.isStaff, grants: grants)
    }

    /// Checks a username and password (rate limited; rehashes an outdated hash); for Basic and session login.
    public func verifyPassword(username: String, password: String, address: String) throws -> Result<UserRecord, AuthFailure> {
        if case .refused(_, let seconds) = limiter.check(username: username, address: address) {
            return .failure(.throttled(seconds))
        }
        guard let user = try users.user(username: username) else {
            // Spend the same time as a real check, so response times do not reveal which names exist.
            _ = policy.hash(password)
            limiter.recordFailure(username: username, address: address)
            return .failure(.invalidCredentials)
        }
        guard let stored = try? DjangoPasswordHash(parsing: user.passwordHash), stored.verify(password) else {
            limiter.recordFailure(username: username, address: address)
            return .failure(.invalidCredentials)
        }
        guard user.isActive else { return .failure(.inactive) }
        limiter.recordSuccess(username: username)
        if stored.needsRehash(currentIterations: policy.iterations) {
            try users.replacePasswordHash(userID: user.id, previous: user.passwordHash, with: policy.hash(password))
            return .success(try users.user(id: user.id) ?? user)
        }
        return .success(user)
    }

    private func authenticateToken(_ key: String) throws -> AuthOutcome {
        guard let (token, user) = try tokens.token(key: key) else { return .failed(.invalidToken) }
        guard user.isActive else { return .failed(.inactive) }
        if token.revoked { return .failed(AuthFailure(status: 401, detail: "Token has been revoked")) }
        if token.isExpired { return .failed(AuthFailure(status: 401, detail: "Token has expired")) }
        do {
            try tokens.touch(tokenID: token.id)
        } catch {
            log?("could not record last_seen of API token \(token.id): \(error)")
        }
        return .authenticated(Identity(user: user, method: .token(token), permissions: try permissions(for: user)))
    }

    private func authenticateBasic(header: String, username: String, password: String, address: String) throws -> AuthOutcome {
        if let entry = basicCache.lookup(header: header), let user = try users.user(id: entry.userID) {
            if VerifiedCredentialCache.matches(entry, storedHash: user.passwordHash) && user.isActive {
                return .authenticated(Identity(user: user, method: .basic, permissions: try permissions(for: user)))
            }
            basicCache.forget(header: header)
        }
        switch try verifyPassword(username: username, password: password, address: address) {
        case .failure(let failure): return .failed(failure)
        case .success(let user):
            basicCache.remember(header: header, userID: user.id, storedHash: user.passwordHash)
            return .authenticated(Identity(user: user, method: .basic, permissions: try permissions(for: user)))
        }
    }
}
