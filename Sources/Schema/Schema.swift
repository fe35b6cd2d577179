import Postgres

/// The database schema of this version of Stockroom: every migration, in order.
public enum Schema {
    public static let migrations: [Migration] = [
        Migration0001DaemonInstances.migration,
        Migration0002Users.migration,
    ]

    /// The schema version this code needs; daemons refuse to start on an older database.
    public static var version: Int { migrations.last?.version ?? 0 }
}
