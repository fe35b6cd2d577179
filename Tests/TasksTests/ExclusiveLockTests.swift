import Postgres
import Redis
@testable import Tasks
import XCTest

final class ExclusiveLockTests: TasksDatabaseTestCase {
    func testARedisLockExcludesASecondHolderUntilReleased() throws {
        let redis = try RedisPool(url: environment.redisURL)
        defer { redis.shutdown() }
        let other = try PostgresConnection(databaseURL)
        let first = try XCTUnwrap(ExclusiveLock.acquire(name: "job", ttl: .seconds(30), redis: redis, connection: connection))
        guard case .redis = first else { return XCTFail("expected a Redis lock while Redis is up") }
        XCTAssertNil(try ExclusiveLock.acquire(name: "job", ttl: .seconds(30), redis: redis, connection: other))
        first.release(connection: connection)
        let second = try XCTUnwrap(ExclusiveLock.acquire(name: "job", ttl: .seconds(30), redis: redis, connection: other))
        second.release(connection: other)
    }

    func testWithoutRedisAnAdvisoryLockExcludesASecondHolderUntilReleased() throws {
        let redis = try RedisPool(url: "unix://\(environment.scratchDirectory)/no-such-redis.sock")
        defer { redis.shutdown() }
        let other = try PostgresConnection(databaseURL)
        let first = try XCTUnwrap(ExclusiveLock.acquire(name: "job", ttl: .seconds(30), redis: redis, connection: connection))
        guard case .advisory = first else { return XCTFail("expected an advisory lock while Redis is down") }
        XCTAssertNil(try ExclusiveLock.acquire(name: "job", ttl: .seconds(30), redis: redis, connection: other))
        first.release(connection: connection)
        let second = try XCTUnwrap(ExclusiveLock.acquire(name: "job", ttl: .seconds(30), redis: redis, connection: other))
        second.release(connection: other)
    }
}
