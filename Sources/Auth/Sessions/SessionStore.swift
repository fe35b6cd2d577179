import FoundationEssentials
import Postgres
import Redis

/// Browser sessions: rows of `users_session` in PostgreSQL, looked up through a Redis cache.
/// The cookie value is a random 32-character key; the database and Redis hold only its SHA-256,
/// so neither leaks a usable cookie. Each session remembers a digest of the password hash it was
/// opened with: like Django's session auth hash, a changed password ends the user's other sessions.
public final class SessionStore: @unchecked Sendable {
    /// One signed-in browser.
    public struct Session: Equatable, Sendable {
        /// The stored digest of the cookie value.
        public let digest: String
        public let userID: Int
        public let csrfSecret: String
        public let expiresAt: Date
        /// Hex SHA-256 of the stored password hash at login.
        public let passwordDigest: String

        /// Whether the user's password is still the one the session was opened with.
        public func matches(storedHash: String) -> Bool {
            ConstantTime.equal(passwordDigest, SessionStore.passwordDigest(of: storedHash))
        }
    }

    public let pool: PostgresPool
    public let redis: RedisPool?
    /// How long a session lasts after login (Django's SESSION_COOKIE_AGE: two weeks).
    public let lifetime: Duration
    /// How long Redis keeps a looked-up session at most.
    public let cacheLifetime: Duration
    private let prefix: String

    public init(pool: PostgresPool, redis: RedisPool?, lifetime: Duration = .seconds(1_209_600),
                cacheLifetime: Duration = .seconds(300), prefix: String = "stockroom:session:") {
        self.pool = pool
        self.redis = redis
        self.lifetime = lifetime
        self.cacheLifetime = cacheLifetime
        self.prefix = prefix
    }

    /// The stored form of a cookie value.
    public static func digest(of cookieValue: String) -> String { Digest.hex(Digest.sha256(cookieValue)) }

    /// The digest of a stored password hash that a session keeps.
    public static func passwordDigest(of storedHash: String) -> String { Digest.hex(Digest.sha256(storedHash)) }

    /// Starts a session for a user whose stored password hash is `passwordHash`; returns the cookie
    /// value (shown to the client once) and the session.
    public func create(userID: Int, passwordHash: String, csrfSecret: String) throws -> (cookie: String, session: Session) {
        let cookie = SecureRandom.string(length: 32, alphabet: Array("abcdefghijklmnopqrstuvwxyz0123456789"))
        let digest = Self.digest(of: cookie)
        let passwordDigest = Self.passwordDigest(of: passwordHash)
        let seconds = Int(lifetime.components.seconds)
        let expires: Date = try pool.withConnection { connection in
            try connection.query("""
                INSERT INTO users_session (key, user_id, csrf_token, data, expires_at)
                VALUES ($1, $2, $3, jsonb_build_object('password_digest', $4::text), now() + make_interval(secs => $5::int))
                RETURNING expires_at
                """, [digest, userID, csrfSecret, passwordDigest, seconds]).singleRow().decode("expires_at")
        }
        return (cookie, Session(digest: digest, userID: userID, csrfSecret: csrfSecret, expiresAt: expires,
                                passwordDigest: passwordDigest))
    }

    /// The live session of a cookie value, or nil (unknown, expired or logged out).
    public func session(cookie: String) throws -> Session? {
        guard cookie.count == 32 else { return nil }
        let digest = Self.digest(of: cookie)
        if let cached = readCache(digest) { return cached.expiresAt > Date() ? cached : nil }
        let row = try pool.withConnection { connection in
            try connection.query("""
                SELECT user_id, csrf_token, expires_at, coalesce(data->>'password_digest', '') AS password_digest
                FROM users_session WHERE key = $1 AND expires_at > now()
                """, [digest]).first.map { row in
                Session(digest: digest, userID: try row.decode("user_id"), csrfSecret: try row.decode("csrf_token"),
                        expiresAt: try row.decode("expires_at"), passwordDigest: try row.decode("password_digest"))
            }
        }
        if let row { writeCache(row) }
        return row
    }

    /// Ends the session of a cookie value (logout).
    public func delete(cookie: String) throws {
        let digest = Self.digest(of: cookie)
        if let redis { _ = try? redis.del(prefix + digest) }
        try pool.withConnection { connection in
            _ = try connection.execute("DELETE FROM users_session WHERE key = $1", [digest])
        }
    }

    /// Ends every session of a user (password change); returns how many.
    @discardableResult
    public func deleteAll(userID: Int) throws -> Int {
        let digests: [String] = try pool.withConnection { connection in
            try connection.query("DELETE FROM users_session WHERE user_id = $1 RETURNING key", [userID])
                .map { try $0.decode("key") }
        }
        if let redis, !digests.isEmpty {
            _ = try? redis.command(["DEL"] + digests.map { prefix + $0 })
        }
        return digests.count
    }

    /// Drops every cached session (after a bulk change such as `import-inventree --replace`); the
    /// database remains the truth. Returns how many cache entries were removed.
    @discardableResult
    public func forgetCachedSessions() throws -> Int {
        guard let redis else { return 0 }
        var cursor = "0"
        var removed = 0
        repeat {
            let reply = try redis.command(["SCAN", cursor, "MATCH", prefix + "*", "COUNT", "1000"])
            guard let parts = reply.array, parts.count == 2, let next = parts[0].string, let keys = parts[1].array else {
                throw RedisError.unexpectedReply(command: "SCAN", reply: reply.description)
            }
            let names = keys.compactMap(\.string)
            if !names.isEmpty { removed += Int(try redis.command(["DEL"] + names).integer ?? 0) }
            cursor = next
        } while cursor != "0"
        return removed
    }

    private func readCache(_ digest: String) -> Session? {
        guard let redis, let text = try? redis.getString(prefix + digest) else { return nil }
        let parts = text.split(separator: " ")
        guard parts.count == 4, let userID = Int(parts[0]), let expires = Double(parts[2]) else { return nil }
        return Session(digest: digest, userID: userID, csrfSecret: String(parts[1]),
                       expiresAt: Date(timeIntervalSince1970: expires), passwordDigest: String(parts[3]))
    }

    private func writeCache(_ session: Session) {
        guard let redis else { return }
        let remaining = session.expiresAt.timeIntervalSinceNow
        guard remaining > 1 else { return }
        let ttl = min(cacheLifetime, .seconds(Int(remaining)))
        let text = "\(session.userID) \(session.csrfSecret) \(session.expiresAt.timeIntervalSince1970) \(session.passwordDigest)"
        _ = try? redis.set(prefix + session.digest, text, expireAfter: ttl)
    }
}
