import Auth
import Postgres
import Redis
import Schema
import TestSupport
import XCTest

/// A test class with its own database (all migrations applied, the demo users loaded) and the private Redis.
class DatabaseTestCase: XCTestCase {
    private static var databases: [String: Result<String, Error>] = [:]
    private(set) var pool: PostgresPool!
    private(set) var redis: RedisPool!

    override func setUpWithError() throws {
        try super.setUpWithError()
        let environment = try TestEnvironment.current()
        let name = "test_" + String(describing: Self.self).lowercased()
        if Self.databases[name] == nil {
            Self.databases[name] = Result { try environment.freshDatabase(named: name) }
        }
        let url = try Self.databases[name]!.get()
        pool = PostgresPool(url: url, maximumConnections: 4)
        try pool.withConnection { connection in
            _ = try Migrator().apply(Schema.migrations, using: connection)
            _ = try connection.runScript(DemoUsersFixture.resetSQL)
        }
        redis = try RedisPool(url: environment.redisURL)
        _ = try redis.command(["FLUSHDB"])
    }

    override func tearDownWithError() throws {
        pool?.close()
        redis?.shutdown()
        try super.tearDownWithError()
    }

    /// Settings with a small iteration count for new hashes, so rehash tests stay quick.
    func settings(iterations: Int = 1_000_000) -> AuthSettings {
        var settings = AuthSettings()
        settings.passwordIterations = iterations
        return settings
    }
}
