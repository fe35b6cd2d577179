import FoundationEssentials
import Postgres

/// A row of `users_apitoken` (its columns aliased so that it can be read from a join with `auth_user`).
public struct APIToken: Equatable, Sendable {
    public let id: Int
    public let key: String
    public let name: String
    public let userID: Int
    public let created: Date
    /// The last day the token is valid (InvenTree: a date, a year after creation).
    public let expiry: String?
    public let revoked: Bool
    public let lastSeen: String?
    /// Whether the expiry day has passed (computed by the database at read time).
    public let isExpired: Bool

    static let columns = "t.id AS token_id, t.key, t.name AS token_name, t.user_id, t.created, t.expiry::text AS expiry, t.revoked, "
        + "t.last_seen::text AS last_seen, (t.expiry IS NOT NULL AND t.expiry < current_date) AS is_expired"

    init(row: PostgresRow) throws {
        id = try row.decode("token_id")
        key = try row.decode("key")
        name = try row.decode("token_name")
        userID = try row.decode("user_id")
        created = try row.decode("created")
        expiry = try row.decode("expiry", as: String?.self)
        revoked = try row.decode("revoked")
        lastSeen = try row.decode("last_seen", as: String?.self)
        isExpired = try row.decode("is_expired")
    }

    /// Neither revoked nor expired.
    public var isActive: Bool { !revoked && !isExpired }
}
