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

extension TestEnvironment {
    /// A fresh database `name` with the schema applied by the `stockroom migrate` command; returns its URL.
    public func migratedDatabase(named name: String) throws -> String {
        let url = try freshDatabase(named: name)
        let migrate = try ChildProcess(executable: try BuiltExecutable.product("stockroom"), arguments: ["migrate"],
                                       environment: ["STOCKROOM_DATABASE_URL": url, "STOCKROOM_CONFIG": "/dev/null",
                                                     "PATH": "/usr/bin:/bin"])
        guard try migrate.wait(timeout: 60) == .exited(0) else {
            throw BuiltExecutable.Failure(description: "stockroom migrate failed: \(migrate.standardError)")
        }
        return url
    }
}
