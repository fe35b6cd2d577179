import Auth
import Redis
import TestSupport
import XCTest

final class LoginRateLimiterTests: DatabaseTestCase {
    func testFailedLoginsAreLimitedPerUserAndPerAddressInRedis() throws {
        var settings = settings()
        settings.userRule = .init(failures: 3, window: .seconds(60))
        settings.addressRule = .init(failures: 5, window: .seconds(60))
        let auth = Authenticator(pool: pool, redis: redis, settings: settings)
        for _ in 0..<3 {
            guard case .failure(let failure) = try auth.verifyPassword(username: "admin", password: "bad", address: "10.1.1.1") else {
                return XCTFail("a wrong password signed in")
            }
            XCTAssertEqual(failure, .invalidCredentials)
        }
        guard case .failure(let refused) = try auth.verifyPassword(username: "admin", password: "inventree", address: "10.1.1.2") else {
            return XCTFail("the right password was let through past the per-user limit")
        }
        XCTAssertEqual(refused.status, 429)
        XCTAssertNotNil(refused.retryAfterSeconds)
        XCTAssertEqual(try redis.getString("stockroom:login-failures:user:admin"), "3")
        XCTAssertGreaterThan(try redis.timeToLive("stockroom:login-failures:user:admin") ?? .zero, .seconds(50))

        // Another process (another limiter on the same Redis) sees the same counters.
        let other = LoginRateLimiter(redis: redis, userRule: settings.userRule, addressRule: settings.addressRule)
        guard case .refused(.user, let retry) = other.check(username: "ADMIN", address: "10.9.9.9") else {
            return XCTFail("another limiter did not see the user's failures")
        }
        XCTAssertTrue((50...60).contains(retry), "retry after \(retry) s")

        for name in ["a", "b"] { other.recordFailure(username: name, address: "10.1.1.1") }
        guard case .refused(.address, _) = other.check(username: "reader", address: "10.1.1.1") else {
            return XCTFail("the address was not limited after five failures")
        }
        XCTAssertEqual(other.check(username: "reader", address: "10.1.1.3"), .allowed)
    }

    func testSuccessClearsTheUserCounter() throws {
        let auth = Authenticator(pool: pool, redis: redis, settings: settings())
        _ = try auth.verifyPassword(username: "allaccess", password: "bad", address: "a")
        XCTAssertEqual(try redis.getString("stockroom:login-failures:user:allaccess"), "1")
        guard case .success = try auth.verifyPassword(username: "allaccess", password: "nolimits", address: "a") else {
            return XCTFail("allaccess did not sign in")
        }
        XCTAssertNil(try redis.getString("stockroom:login-failures:user:allaccess"))
    }

    func testStillLimitedPerProcessWhenRedisIsDown() throws {
        let environment = try TestEnvironment.current()
        let down = try RedisPool(url: "unix://\(environment.scratchDirectory)/no-such-redis.sock")
        defer { down.shutdown() }
        var now: UInt64 = 0
        let limiter = LoginRateLimiter(redis: down, userRule: .init(failures: 2, window: .seconds(30)),
                                       addressRule: .init(failures: 100, window: .seconds(30)), now: { now })
        XCTAssertEqual(limiter.check(username: "admin", address: "x"), .allowed)
        limiter.recordFailure(username: "admin", address: "x")
        limiter.recordFailure(username: "admin", address: "x")
        XCTAssertEqual(limiter.check(username: "admin", address: "x"), .refused(scope: .user, retryAfterSeconds: 30))
        now += 30_000_000_000
        XCTAssertEqual(limiter.check(username: "admin", address: "x"), .allowed)
    }
}
