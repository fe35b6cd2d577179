import Postgres

/// Reads and updates users in PostgreSQL.
public struct UserStore: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    private static let byID = PreparedStatement("SELECT \(UserRecord.columns) FROM auth_user u WHERE u.id = $1")
    // Usernames are unique without regard to case (the schema's index), as allauth compares them.
    private static let byName = PreparedStatement(
        "SELECT \(UserRecord.columns) FROM auth_user u WHERE lower(u.username) = lower($1)")

    /// The user with primary key `id`.
    public func user(id: Int) throws -> UserRecord? {
        try pool.withConnection { connection in
            try connection.query(Self.byID, [id]).first.map(UserRecord.init(row:))
        }
    }

    /// The user called `username` (any letter case).
    public func user(username: String) throws -> UserRecord? {
        try pool.withConnection { connection in
            try connection.query(Self.byName, [username]).first.map(UserRecord.init(row:))
        }
    }

    /// Stores a new password hash, only if the stored one is still `previous` (a concurrent change wins).
    @discardableResult
    public func replacePasswordHash(userID: Int, previous: String, with hash: DjangoPasswordHash) throws -> Bool {
        try pool.withConnection { connection in
            try connection.execute("UPDATE auth_user SET password = $1 WHERE id = $2 AND password = $3",
                                   [hash.encoded, userID, previous]) == 1
        }
    }

    /// Sets the password unconditionally (changepassword, tests).
    public func setPassword(userID: Int, hash: DjangoPasswordHash) throws {
        try pool.withConnection { connection in
            _ = try connection.execute("UPDATE auth_user SET password = $1 WHERE id = $2", [hash.encoded, userID])
        }
    }

    /// Records a session login, as Django's `user_logged_in` signal does.
    public func recordLogin(userID: Int) throws {
        try pool.withConnection { connection in
            _ = try connection.execute("UPDATE auth_user SET last_login = now() WHERE id = $1", [userID])
        }
    }
}
