import FoundationEssentials
import Postgres

/// A row of `auth_user`.
public struct UserRecord: Equatable, Sendable {
    public let id: Int
    public let username: String
    /// The stored Django hash text (never sent to clients).
    public let passwordHash: String
    public let firstName: String
    public let lastName: String
    public let email: String
    public let isStaff: Bool
    public let isSuperuser: Bool
    public let isActive: Bool
    public let dateJoined: Date
    public let lastLogin: Date?

    /// The columns `init(row:)` reads, for SELECT lists.
    public static let columns = "u.id, u.username, u.password, u.first_name, u.last_name, u.email, u.is_staff, "
        + "u.is_superuser, u.is_active, u.date_joined, u.last_login"

    /// Reads the columns of `columns` from a row.
    public init(row: PostgresRow) throws {
        id = try row.decode("id")
        username = try row.decode("username")
        passwordHash = try row.decode("password")
        firstName = try row.decode("first_name")
        lastName = try row.decode("last_name")
        email = try row.decode("email")
        isStaff = try row.decode("is_staff")
        isSuperuser = try row.decode("is_superuser")
        isActive = try row.decode("is_active")
        dateJoined = try row.decode("date_joined")
        lastLogin = try row.decode("last_login", as: Date?.self)
    }
}
