import Daemon
import Postgres
import Runtime
import Schema

/// `stockroom migrate`: applies the migrations the database has not had yet, under an advisory
/// lock, so that it is safe to run from several hosts at once.
enum MigrateCommand {
    static func main(_ arguments: [String]) throws -> Int32 {
        let options = try CommandOptions(arguments, valued: ["state-dir"])
        let database = try AdminDatabase.locate(stateDirectory: options.value("state-dir"))
        defer { database.release() }
        let pool = PostgresPool(url: database.url, maximumConnections: 1)
        defer { pool.close() }
        let applied = try Migrator(logger: { print($0) }).apply(Schema.migrations, using: pool)
        if applied.isEmpty {
            print("the database schema is up to date (version \(Schema.version))")
        } else {
            print("applied \(applied.count) migration(s); the database schema is at version \(Schema.version)")
        }
        return 0
    }
}
