import Postgres

extension TestEnvironment {
    /// A new, empty database `name` in the private cluster (any earlier one of that name dropped);
    /// returns its URL.
    public func freshDatabase(named name: String) throws -> String {
        let admin = try PostgresConnection(databaseURL)
        let quoted = try admin.escapeIdentifier(name)
        try admin.runScript("DROP DATABASE IF EXISTS \(quoted) WITH (FORCE)")
        try admin.runScript("CREATE DATABASE \(quoted)")
        return databaseURL(database: name)
    }

    /// Drops database `name` if it exists, whoever is still connected to it.
    public func dropDatabase(named name: String) throws {
        let admin = try PostgresConnection(databaseURL)
        try admin.runScript("DROP DATABASE IF EXISTS \(try admin.escapeIdentifier(name)) WITH (FORCE)")
    }
}
