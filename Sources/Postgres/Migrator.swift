/// Applies `Migration`s and records them in `schema_migrations`.
///
/// Everything runs on one connection holding `pg_advisory_lock(Migrator.lockKey)`, so concurrent
/// migrators (threads or processes) take turns and each migration is applied once. Each migration and
/// its record row commit in one transaction: a failing migration leaves no trace.
public struct Migrator: Sendable {
    /// The advisory lock key every Stockroom migrator takes ("stockroo" in ASCII).
    public static let lockKey: Int64 = 0x7374_6F63_6B72_6F6F

    private static let createTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version int PRIMARY KEY,
            name text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """
    private static let lock = PreparedStatement("SELECT pg_advisory_lock($1)")
    private static let unlock = PreparedStatement("SELECT pg_advisory_unlock($1)")
    private static let tableExists = PreparedStatement("SELECT to_regclass('schema_migrations') IS NOT NULL AS present")
    private static let recorded = PreparedStatement("SELECT version, name FROM schema_migrations ORDER BY version")
    private static let latest = PreparedStatement("SELECT coalesce(max(version), 0) AS version FROM schema_migrations")
    private static let record = PreparedStatement("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)")

    private let logger: (@Sendable (String) -> Void)?

    /// A migrator that reports each applied migration to `logger`.
    public init(logger: (@Sendable (String) -> Void)? = nil) { self.logger = logger }

    /// Applies the migrations the database has not recorded yet, in order; returns their versions.
    @discardableResult
    public func apply(_ migrations: [Migration], using pool: PostgresPool) throws -> [Int] {
        try Migration.validate(migrations)
        return try pool.withConnection { try apply(migrations, using: $0) }
    }

    /// Applies the migrations the database has not recorded yet, in order; returns their versions.
    @discardableResult
    public func apply(_ migrations: [Migration], using connection: PostgresConnection) throws -> [Int] {
        try Migration.validate(migrations)
        _ = try connection.query(Self.lock, [Self.lockKey])
        defer { if !connection.isBroken { _ = try? connection.query(Self.unlock, [Self.lockKey]) } }

        try connection.runScript(Self.createTable)
        var recorded: [Int: String] = [:]
        for row in try connection.query(Self.recorded) {
            recorded[try row.decode("version", as: Int.self)] = try row.decode("name", as: String.self)
        }
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0.name) })
        for (version, name) in recorded.sorted(by: { $0.key < $1.key }) {
            guard let expected = known[version] else {
                throw PostgresError(
                    .migration,
                    "the database has migration \(version) ('\(name)') that this program does not know: the database is newer than this program")
            }
            guard expected == name else {
                throw PostgresError(
                    .migration,
                    "migration \(version) is recorded as '\(name)' in the database but is '\(expected)' in this program")
            }
        }

        var applied: [Int] = []
        for migration in migrations where recorded[migration.version] == nil {
            do {
                try connection.transaction { transaction in
                    try transaction.runScript(migration.sql)
                    try transaction.execute(Self.record, [migration.version, migration.name])
                }
            } catch var error as PostgresError {
                error = PostgresError(
                    error.kind == .connection ? .connection : .migration,
                    "migration \(migration.version) ('\(migration.name)') failed and was rolled back: \(error.message)",
                    sqlState: error.sqlState, statement: error.statement)
                throw error
            }
            logger?("applied migration \(migration.version) (\(migration.name))")
            applied.append(migration.version)
        }
        return applied
    }

    /// The highest recorded migration version, 0 when none (or no `schema_migrations` table).
    public func currentVersion(using connection: PostgresConnection) throws -> Int {
        guard try connection.query(Self.tableExists).singleRow().decode("present", as: Bool.self) else { return 0 }
        return try connection.query(Self.latest).singleRow().decode("version", as: Int.self)
    }

    /// The highest recorded migration version, 0 when none.
    public func currentVersion(using pool: PostgresPool) throws -> Int {
        try pool.withConnection { try currentVersion(using: $0) }
    }

    /// Throws a clear error when the database schema is older than `expected` (what this program needs).
    public func check(expected: Int, using connection: PostgresConnection) throws {
        let current = try currentVersion(using: connection)
        if current < expected {
            throw PostgresError(
                .migration, "database schema is at version \(current), this program needs \(expected): run `stockroom migrate`")
        }
    }

    /// Throws a clear error when the database schema is older than `expected` (what this program needs).
    public func check(expected: Int, using pool: PostgresPool) throws {
        try pool.withConnection { try check(expected: expected, using: $0) }
    }
}
