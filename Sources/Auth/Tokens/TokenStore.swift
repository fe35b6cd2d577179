import Daemon
import FoundationEssentials
import Postgres

/// API tokens in PostgreSQL. `last_seen` (a date, as in InvenTree) is written at most once per
/// token per `touchInterval` per process, not on every request.
public final class TokenStore: @unchecked Sendable {
    public let pool: PostgresPool
    public let touchInterval: Duration
    /// Days a new token is valid (InvenTree: 365).
    public let lifetimeDays: Int
    private let now: () -> UInt64
    private let lock = Lock()
    private var lastTouched: [Int: UInt64] = [:]

    public init(pool: PostgresPool, touchInterval: Duration = .seconds(600), lifetimeDays: Int = 365,
                now: @escaping () -> UInt64 = monotonicNanoseconds) {
        self.pool = pool
        self.touchInterval = touchInterval
        self.lifetimeDays = lifetimeDays
        self.now = now
    }

    private static let byKey = PreparedStatement(
        "SELECT \(APIToken.columns), \(UserRecord.columns) FROM users_apitoken t JOIN auth_user u ON u.id = t.user_id WHERE t.key = $1")

    /// The token with `key` and its user.
    public func token(key: String) throws -> (APIToken, UserRecord)? {
        try pool.withConnection { connection in
            guard let row = try connection.query(Self.byKey, [key]).first else { return nil }
            return (try APIToken(row: row), try UserRecord(row: row))
        }
    }

    /// InvenTree's `GET /api/user/token/`: the user's active token called `name`, or a new one.
    public func issue(userID: Int, name: String) throws -> APIToken {
        try pool.transaction { connection in
            // Serialises concurrent requests for the same user, so one name gets one token.
            _ = try connection.query("SELECT id FROM auth_user WHERE id = $1 FOR UPDATE", [userID])
            let existing = try connection.query("""
                SELECT \(APIToken.columns) FROM users_apitoken t
                WHERE t.user_id = $1 AND t.name = $2 AND NOT t.revoked AND t.expiry >= current_date
                ORDER BY t.id LIMIT 1
                """, [userID, name])
            if let row = existing.first { return try APIToken(row: row) }
            let created = try connection.query("""
                INSERT INTO users_apitoken AS t (key, name, user_id, expiry)
                VALUES ($1, $2, $3, current_date + $4::int) RETURNING \(APIToken.columns)
                """, [APITokenKey.generate(), name, userID, lifetimeDays])
            return try APIToken(row: try created.singleRow())
        }
    }

    /// Marks the token seen today, unless this process did so less than `touchInterval` ago.
    public func touch(tokenID: Int) throws {
        let time = now()
        let due = lock.withLock { () -> Bool in
            if let last = lastTouched[tokenID], time < last + touchInterval.nanoseconds { return false }
            if lastTouched.count > 50_000 { lastTouched.removeAll(keepingCapacity: true) }
            lastTouched[tokenID] = time
            return true
        }
        guard due else { return }
        try pool.withConnection { connection in
            _ = try connection.execute("""
                UPDATE users_apitoken SET last_seen = current_date
                WHERE id = $1 AND (last_seen IS NULL OR last_seen < current_date)
                """, [tokenID])
        }
    }

    /// Merges the members of a JSON object into the token's `metadata`.
    public func mergeMetadata(tokenID: Int, json: String) throws {
        try pool.withConnection { connection in
            _ = try connection.execute("UPDATE users_apitoken SET metadata = coalesce(metadata, '{}'::jsonb) || $2::jsonb WHERE id = $1",
                                       [tokenID, json])
        }
    }

    /// Revokes the token (logout with a token).
    public func revoke(tokenID: Int) throws {
        try pool.withConnection { connection in
            _ = try connection.execute("UPDATE users_apitoken SET revoked = true WHERE id = $1", [tokenID])
        }
    }
}
