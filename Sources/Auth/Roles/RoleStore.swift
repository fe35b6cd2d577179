import Postgres
import Redis

/// The grants of a user's groups: from a Redis cache when it has them, else from PostgreSQL.
///
/// Cache entries are stored under a version (`<prefix>version`); whoever changes groups, memberships
/// or rule sets calls `invalidate()` after committing, which moves every reader to a new version, so
/// a grant that was taken away is not served from the cache afterwards.
public final class RoleStore: @unchecked Sendable {
    public let pool: PostgresPool
    public let redis: RedisPool?
    public let lifetime: Duration
    private let prefix: String

    public init(pool: PostgresPool, redis: RedisPool?, lifetime: Duration = .seconds(600), prefix: String = "stockroom:roles:") {
        self.pool = pool
        self.redis = redis
        self.lifetime = lifetime
        self.prefix = prefix
    }

    private static let grantsQuery = PreparedStatement("""
        SELECT r.name, bool_or(r.can_view) AS can_view, bool_or(r.can_add) AS can_add,
               bool_or(r.can_change) AS can_change, bool_or(r.can_delete) AS can_delete
        FROM auth_user_groups ug JOIN users_ruleset r ON r.group_id = ug.group_id
        WHERE ug.user_id = $1 GROUP BY r.name
        """)

    // One round trip: the current version and the entry stored under it.
    private static let readScript = RedisScript("""
        local version = redis.call('GET', KEYS[1]) or '0'
        return {version, redis.call('GET', ARGV[1] .. version .. ':' .. ARGV[2])}
        """)

    /// The union of the rule sets of the groups of `userID`.
    public func grants(userID: Int) throws -> RoleGrants {
        var version: String?
        if let redis {
            do {
                let reply = try redis.run(Self.readScript, keys: [prefix + "version"],
                                          arguments: [Array(prefix.utf8), Array(String(userID).utf8)])
                if let parts = reply.array, parts.count == 2 {
                    version = parts[0].string
                    if let text = parts[1].string, let grants = RoleGrants(encoded: text) { return grants }
                }
            } catch {
                // Redis is optional here: PostgreSQL answers, and nothing is written back.
                version = nil
            }
        }
        let grants = try load(userID: userID)
        if let redis, let version {
            _ = try? redis.set(prefix + version + ":" + String(userID), grants.encoded, expireAfter: lifetime)
        }
        return grants
    }

    /// Reads the grants from PostgreSQL.
    public func load(userID: Int) throws -> RoleGrants {
        try pool.withConnection { connection in
            var grants = RoleGrants()
            for row in try connection.query(Self.grantsQuery, [userID]) {
                let name: String = try row.decode("name")
                guard let role = RuleSet(rawValue: name) else { continue }
                grants.grant(role, view: try row.decode("can_view"), add: try row.decode("can_add"),
                             change: try row.decode("can_change"), delete: try row.decode("can_delete"))
            }
            return grants
        }
    }

    /// Makes every cached grant stale; call after committing a change to groups, memberships or rule sets.
    public func invalidate() throws {
        guard let redis else { return }
        _ = try redis.incr(prefix + "version")
    }
}
