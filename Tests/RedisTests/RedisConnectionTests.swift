import Foundation
import XCTest
@testable import Redis

final class RedisConnectionTests: XCTestCase {
    func testEveryReplyType() throws {
        let redis = try SharedRedis.connection()
        let key = SharedRedis.prefix("replies")
        XCTAssertEqual(try redis.command(["SET", key + "s", "value"]), .status("OK"))
        XCTAssertEqual(try redis.command(["INCRBY", key + "n", "-5"]), .integer(-5))
        XCTAssertEqual(try redis.command(["GET", key + "s"]), .string(Array("value".utf8)))
        XCTAssertEqual(try redis.command(["GET", key + "s"]).string, "value")
        XCTAssertEqual(try redis.command(["GET", key + "missing"]), .null)
        XCTAssertEqual(try redis.command(["MGET", key + "s", key + "missing"]),
                       .array([.string(Array("value".utf8)), .null]))
        XCTAssertEqual(try redis.command(["LRANGE", key + "missing", "0", "-1"]), .array([]))
        XCTAssertEqual(try redis.command(["GET", key + "empty"]).isNull, true)
        XCTAssertEqual(try redis.command(["SET", key + "empty", ""]), .status("OK"))
        XCTAssertEqual(try redis.command(["GET", key + "empty"]), .string([]))

        let transaction = try redis.pipeline([["MULTI"], ["SET", key + "t", "1"], ["LPUSH", key + "t", "x"], ["EXEC"]])
        XCTAssertEqual(transaction.last, .array([.status("OK"), .error("WRONGTYPE Operation against a key holding the wrong kind of value")]))
        XCTAssertEqual(try redis.command(["DEL", key + "s", key + "n", key + "empty", key + "t"]), .integer(4))
    }

    func testServerErrorReplyIsTypedAndLeavesTheConnectionUsable() throws {
        let redis = try SharedRedis.connection()
        let key = SharedRedis.prefix("error")
        XCTAssertEqual(try redis.command(["LPUSH", key, "x"]), .integer(1))
        XCTAssertThrowsError(try redis.incr(key)) { error in
            guard case RedisError.server(let message) = error else { return XCTFail("got \(error)") }
            XCTAssertTrue(message.hasPrefix("WRONGTYPE"), message)
            XCTAssertFalse((error as? RedisError)?.isUnavailable ?? true)
        }
        XCTAssertThrowsError(try redis.command(["NOSUCHCOMMAND", "x"])) { error in
            XCTAssertTrue("\(error)".contains("unknown command"), "\(error)")
        }
        XCTAssertThrowsError(try redis.command([] as [String])) { XCTAssertEqual($0 as? RedisError, .emptyCommand) }
        XCTAssertFalse(redis.isBroken)
        try redis.ping()
        try redis.del(key)
    }

    func testBinarySafeKeysAndValues() throws {
        let redis = try SharedRedis.connection()
        let key = Array(SharedRedis.prefix("binary").utf8) + [0, 0xFF, 0x0D, 0x0A]
        let value: [UInt8] = [0, 1, 2, 0, 0xFF, 0xFE, 0x0D, 0x0A, 0x24, 0x2A, 0]
        XCTAssertEqual(try redis.command([Array("SET".utf8), key, value]), .status("OK"))
        XCTAssertEqual(try redis.command([Array("STRLEN".utf8), key]), .integer(Int64(value.count)))
        XCTAssertEqual(try redis.command([Array("GET".utf8), key]).bytes, value)

        let textKey = SharedRedis.prefix("binary-helper")
        XCTAssertTrue(try redis.set(textKey, value))
        XCTAssertEqual(try redis.get(textKey), value)
        let large = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        XCTAssertTrue(try redis.set(textKey, large))
        XCTAssertEqual(try redis.get(textKey), large)
        XCTAssertEqual(try redis.command([Array("DEL".utf8), key]), .integer(1))
        try redis.del(textKey)
    }

    func testPipelining() throws {
        let redis = try SharedRedis.connection()
        let key = SharedRedis.prefix("pipeline")
        let replies = try redis.pipeline(Array(repeating: ["INCR", key], count: 1000))
        XCTAssertEqual(replies, (1...1000).map { .integer(Int64($0)) })

        let mixed = try redis.pipeline([["SET", key + "a", "1"], ["INCR", key + "a"], ["HGET", key + "a", "f"],
                                        ["GET", key + "a"], ["GET", key + "missing"]])
        XCTAssertEqual(mixed.count, 5)
        XCTAssertEqual(mixed[0], .status("OK"))
        XCTAssertEqual(mixed[1], .integer(2))
        guard case .error(let message) = mixed[2] else { return XCTFail("expected an error reply, got \(mixed[2])") }
        XCTAssertTrue(message.hasPrefix("WRONGTYPE"))
        XCTAssertEqual(mixed[3], .string(Array("2".utf8)), "commands after an error reply still run")
        XCTAssertEqual(mixed[4], .null)
        XCTAssertEqual(try redis.pipeline([] as [[String]]), [])
        try redis.del(key, key + "a")
    }

    func testHelpers() throws {
        let redis = try SharedRedis.connection()
        let key = SharedRedis.prefix("helpers")
        XCTAssertNil(try redis.getString(key))
        XCTAssertTrue(try redis.set(key, "one", condition: .ifAbsent))
        XCTAssertFalse(try redis.set(key, "two", condition: .ifAbsent))
        XCTAssertFalse(try redis.set(key + "other", "x", condition: .ifPresent))
        XCTAssertEqual(try redis.getString(key), "one")
        XCTAssertNil(try redis.timeToLive(key))
        XCTAssertTrue(try redis.set(key, "three", expireAfter: .seconds(30), condition: .ifPresent))
        let left = try XCTUnwrap(try redis.timeToLive(key))
        XCTAssertTrue(left > .seconds(25) && left <= .seconds(30), "\(left)")
        XCTAssertTrue(try redis.expire(key, after: .milliseconds(50)))
        usleep(150_000)
        XCTAssertFalse(try redis.exists(key))
        XCTAssertFalse(try redis.expire(key, after: .seconds(1)))
        XCTAssertEqual(try redis.incr(key + "n", by: 40), 40)
        XCTAssertEqual(try redis.incr(key + "n"), 41)
        XCTAssertEqual(try redis.publish(key + "nobody-listens", "hello"), 0)
        XCTAssertEqual(try redis.eval("return {KEYS[1], ARGV[1]}", keys: ["k"], arguments: [[0, 1]]),
                       .array([.string(Array("k".utf8)), .string([0, 1])]))
        XCTAssertEqual(try redis.del(key + "n", key + "missing"), 1)
    }

    func testRepliesAreFreed() throws {
        let redis = try SharedRedis.connection()
        let key = SharedRedis.prefix("leak")
        try redis.set(key, [UInt8](repeating: 0x61, count: 10_000))
        let batch = Array(repeating: ["MGET", key, key], count: 100)
        func residentBytes() throws -> Int {
            let statm = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8).split(separator: " ")
            return (Int(statm[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
        }
        _ = try redis.pipeline(batch)
        let before = try residentBytes()
        for _ in 0..<100 { _ = try redis.pipeline(batch) }
        let growth = try residentBytes() - before
        XCTAssertLessThan(growth, 50_000_000, "200 MB of replies went through; \(growth) bytes stayed")
        try redis.del(key)
    }

    func testDatabaseFromTheURL() throws {
        let url = try SharedRedis.url()
        let key = SharedRedis.prefix("database")
        let inFive = try RedisConnection(url: url + "?db=5")
        XCTAssertTrue(try XCTUnwrap(inFive.command(["CLIENT", "INFO"]).string).contains(" db=5 "))
        try inFive.set(key, "five")
        XCTAssertNil(try SharedRedis.connection().get(key))
        XCTAssertEqual(try RedisConnection(url: url + "?db=5").getString(key), "five")
        try inFive.del(key)
        XCTAssertThrowsError(try RedisConnection(url: url + "?db=999")) { error in
            guard case RedisError.connectFailed(_, let reason) = error else { return XCTFail("got \(error)") }
            XCTAssertTrue(reason.contains("SELECT 999"), reason)
        }
    }

    func testConnectFailureIsFastAndNamesTheAddress() throws {
        let path = try SharedRedis.url().dropFirst("unix://".count) + ".nothing-here"
        let (elapsed, error) = timed { _ = try RedisConnection(url: "unix://\(path)") }
        XCTAssertLessThan(elapsed, .seconds(1))
        guard case RedisError.connectFailed(let address, let reason)? = error as? RedisError else {
            return XCTFail("expected connectFailed, got \(String(describing: error))")
        }
        XCTAssertEqual(address, "unix:\(path)")
        XCTAssertTrue(reason.contains("No such file"), reason)
        XCTAssertTrue((error as? RedisError)?.isUnavailable ?? false)
    }

    func testServerGoneBreaksTheConnection() throws {
        let server = try PrivateRedisServer()
        let redis = try RedisConnection(url: server.url())
        try redis.set("k", "v")
        server.kill()
        // Writing to the dead socket raises SIGPIPE, which must not kill the test process.
        XCTAssertThrowsError(try redis.get("k")) { error in
            guard case RedisError.io = error else { return XCTFail("expected io, got \(error)") }
        }
        XCTAssertTrue(redis.isBroken)
        XCTAssertThrowsError(try redis.get("k")) { error in
            guard case RedisError.connectionBroken = error else { return XCTFail("expected connectionBroken, got \(error)") }
        }
    }

    func testCommandTimeoutBreaksTheConnection() throws {
        let server = try PrivateRedisServer()
        let redis = try RedisConnection(address: server.address,
                                        options: .init(connectTimeout: .milliseconds(200), commandTimeout: .milliseconds(200)))
        try redis.ping()
        server.pause()
        defer { server.resume() }
        let (elapsed, error) = timed { _ = try redis.get("k") }
        XCTAssertEqual(error as? RedisError, .timeout(address: try server.address.description))
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(150))
        XCTAssertLessThan(elapsed, .seconds(1))
        XCTAssertTrue(redis.isBroken, "a late reply would be taken for the next command's")
    }
}
