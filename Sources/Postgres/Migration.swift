/// One numbered schema change: SQL applied in one transaction (several statements may be separated by
/// semicolons; statements that cannot run in a transaction, like CREATE INDEX CONCURRENTLY, are not allowed).
public struct Migration: Equatable, Sendable {
    /// Position in the migration list; versions are strictly increasing and positive.
    public var version: Int
    /// A short name, recorded with the version and checked on every run.
    public var name: String
    /// The SQL to apply.
    public var sql: String

    /// A migration with `version`, `name` and `sql`.
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// Checks that `migrations` are valid: positive, strictly increasing (hence unique) versions and
    /// non-empty names.
    public static func validate(_ migrations: [Migration]) throws {
        var previous: Migration?
        for migration in migrations {
            guard migration.version > 0 else {
                throw PostgresError(.migration, "migration '\(migration.name)' has version \(migration.version): versions must be positive")
            }
            guard !migration.name.isEmpty else {
                throw PostgresError(.migration, "migration \(migration.version) has an empty name")
            }
            if let previous, migration.version <= previous.version {
                let problem = migration.version == previous.version ? "is used twice" : "comes after version \(previous.version)"
                throw PostgresError(
                    .migration,
                    "migration version \(migration.version) ('\(migration.name)') \(problem): versions must be unique and strictly increasing")
            }
            previous = migration
        }
    }
}
