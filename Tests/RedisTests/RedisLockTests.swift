import XCTest
@testable import Redis

final class RedisLockTests: XCTestCase {
    func testOnlyTheOwnerReleasesOrExtends() throws {
        let pool = try RedisPool(url: SharedRedis.url())
        let key = SharedRedis.prefix("lock")
        let owner = try XCTUnwrap(try RedisLock.tryAcquire(key: key, ttl: .seconds(10), using: pool))
        XCTAssertNil(try RedisLock.tryAcquire(key: key, ttl: .seconds(10), using: pool), "held: nobody else gets it")

        let impostor = RedisLock(key: key, token: RedisLock.randomToken(), client: pool)
        XCTAssertFalse(try impostor.release())
        XCTAssertFalse(try impostor.extend(ttl: .seconds(60)))
        XCTAssertEqual(try pool.getString(key), owner.token)
        XCTAssertLessThanOrEqual(try XCTUnwrap(try pool.timeToLive(key)), .seconds(10), "the impostor did not extend it")

        XCTAssertTrue(try owner.extend(ttl: .seconds(60)))
        XCTAssertGreaterThan(try XCTUnwrap(try pool.timeToLive(key)), .seconds(50))
        XCTAssertTrue(try owner.release())
        XCTAssertFalse(try pool.exists(key))
        XCTAssertFalse(try owner.release(), "released once only")
        let next = try XCTUnwrap(try RedisLock.tryAcquire(key: key, ttl: .seconds(10), using: pool))
        XCTAssertTrue(try next.release())
    }

    func testAnExpiredLockBelongsToTheNextTaker() throws {
        let redis = try SharedRedis.connection()
        let key = SharedRedis.prefix("lock-expiry")
        let first = try XCTUnwrap(try RedisLock.tryAcquire(key: key, ttl: .milliseconds(100), using: redis))
        XCTAssertNil(try RedisLock.tryAcquire(key: key, ttl: .milliseconds(100), using: redis))
        usleep(250_000)
        let second = try XCTUnwrap(try RedisLock.tryAcquire(key: key, ttl: .seconds(10), using: redis))
        XCTAssertFalse(try first.release(), "the first owner's lock expired")
        XCTAssertFalse(try first.extend(ttl: .seconds(10)))
        XCTAssertEqual(try redis.getString(key), second.token, "the second owner still holds it")
        XCTAssertTrue(try second.release())
    }

    func testScriptsAreSentAgainAfterTheServerForgotThem() throws {
        let redis = try SharedRedis.connection()
        let key = SharedRedis.prefix("lock-noscript")
        let lock = try XCTUnwrap(try RedisLock.tryAcquire(key: key, ttl: .seconds(10), using: redis))
        XCTAssertEqual(try redis.command(["SCRIPT", "FLUSH"]), .status("OK"))
        XCTAssertEqual(try redis.command(["SCRIPT", "EXISTS", RedisLock.extendScript.sha1]), .array([.integer(0)]))
        XCTAssertTrue(try lock.extend(ttl: .seconds(20)))
        XCTAssertEqual(try redis.command(["SCRIPT", "EXISTS", RedisLock.extendScript.sha1]), .array([.integer(1)]))
        XCTAssertTrue(try lock.release())
    }

    func testTokensAreRandom() {
        let tokens = Set((0..<1000).map { _ in RedisLock.randomToken() })
        XCTAssertEqual(tokens.count, 1000)
        XCTAssertTrue(tokens.allSatisfy { $0.count == 32 && $0.allSatisfy(\.isHexDigit) })
    }

    func testRedisDownIsATypedError() throws {
        let server = try PrivateRedisServer()
        let pool = RedisPool(configuration: .init(address: try server.address))
        let lock = try XCTUnwrap(try RedisLock.tryAcquire(key: "k", ttl: .seconds(10), using: pool))
        server.kill()
        XCTAssertThrowsError(try lock.release()) { XCTAssertTrue(($0 as? RedisError)?.isUnavailable ?? false, "\($0)") }
        XCTAssertThrowsError(try RedisLock.tryAcquire(key: "k", ttl: .seconds(10), using: pool)) {
            XCTAssertTrue(($0 as? RedisError)?.isUnavailable ?? false, "\($0)")
        }
    }
}
