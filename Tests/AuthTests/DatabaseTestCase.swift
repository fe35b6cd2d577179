import Auth
import Postgres
import Redis
import Schema
import TestSupport
import XCTest

/// A test class with its own database (all migrations applied, the demo users loaded) and the private Redis.
class DatabaseTestCase: XCTestCase {
    private(set) var pool: PostgresPool!
    private(set) var redis: RedisPool!

    override func setUpWithError() throws {
        try super.setUpWithError()
        let environment = try TestEnvironment.current()
        pool = PostgresPool(url: try ClassDatabase.url(named: ClassDatabase.name(of: Self.self)), maximumConnections: 4)
        try pool.withConnection { connection in
            _ = try Migrator().apply(Schema.migrations, using: connection)
            _ = try connection.runScript(DemoUsersFixture.resetSQL)
        }
        redis = try RedisPool(url: environment.redisURL)
        _ = try redis.command(["FLUSHDB"])
    }

    override class func tearDown() {
        ClassDatabase.drop(named: ClassDatabase.name(of: self))
        super.tearDown()
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
