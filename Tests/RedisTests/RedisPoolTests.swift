import Foundation
import XCTest
@testable import Redis

final class RedisPoolTests: XCTestCase {
    func testConcurrentCommandsShareAtMostMaxConnections() throws {
        let pool = try RedisPool(url: SharedRedis.url(), maxConnections: 4)
        let key = SharedRedis.prefix("pool-concurrency")
        let threads = 8
        let perThread = 500
        let failures = LockedList()
        let done = DispatchGroup()
        for _ in 0..<threads {
            done.enter()
            Thread {
                defer { done.leave() }
                for _ in 0..<perThread {
                    do { try pool.incr(key) } catch { failures.append("\(error)") }
                }
            }.start()
        }
        XCTAssertEqual(done.wait(timeout: .now() + 60), .success)
        XCTAssertEqual(failures.items, [])
        XCTAssertEqual(try pool.getString(key), String(threads * perThread))
        let statistics = pool.statistics
        XCTAssertLessThanOrEqual(statistics.created, 4)
        XCTAssertGreaterThanOrEqual(statistics.created, 2, "8 threads should have needed more than one connection")
        XCTAssertEqual(statistics.open, statistics.idle, "every connection came back")
        XCTAssertEqual(statistics.discarded, 0)
        try pool.del(key)
    }

    func testPipelineAndWithConnectionUseOneConnection() throws {
        let pool = try RedisPool(url: SharedRedis.url(), maxConnections: 2)
        let key = SharedRedis.prefix("pool-pipeline")
        XCTAssertEqual(try pool.pipeline([["SET", key, "1"], ["INCR", key]]), [.status("OK"), .integer(2)])
        let sameClient = try pool.withConnection { connection -> Bool in
            let first = try connection.command(["CLIENT", "ID"])
            return try connection.command(["CLIENT", "ID"]) == first
        }
        XCTAssertTrue(sameClient)
        try pool.del(key)
    }

    func testAllConnectionsBusyFailsAfterTheCheckoutTimeout() throws {
        var configuration = RedisPool.Configuration(address: try RedisAddress(url: SharedRedis.url()), maxConnections: 1)
        configuration.checkoutTimeout = .milliseconds(100)
        let pool = RedisPool(configuration: configuration)
        try pool.withConnection { held in
            try held.ping()
            let (elapsed, error) = timed { try pool.ping() }
            guard case RedisError.poolExhausted? = error as? RedisError else {
                return XCTFail("expected poolExhausted, got \(String(describing: error))")
            }
            XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(90))
            XCTAssertLessThan(elapsed, .seconds(1))
        }
        try pool.ping()
    }

    func testBrokenConnectionsAreDiscardedWhenTheyComeBack() throws {
        let pool = try RedisPool(url: SharedRedis.url(), maxConnections: 2)
        let killer = try SharedRedis.connection()
        let killed = try pool.withConnection { connection -> Int64? in
            let id = try connection.command(["CLIENT", "ID"]).integer
            XCTAssertEqual(try killer.command(["CLIENT", "KILL", "ID", String(id ?? -1)]), .integer(1))
            XCTAssertThrowsError(try connection.ping())
            XCTAssertTrue(connection.isBroken)
            return id
        }
        XCTAssertEqual(pool.statistics, .init(open: 0, idle: 0, created: 1, discarded: 1))
        XCTAssertNotEqual(try pool.command(["CLIENT", "ID"]).integer, killed)
    }

    func testIdleConnectionsClosedByTheServerAreNotHandedOut() throws {
        let pool = try RedisPool(url: SharedRedis.url(), maxConnections: 2)
        let killed = try pool.command(["CLIENT", "ID"]).integer
        XCTAssertEqual(try SharedRedis.connection().command(["CLIENT", "KILL", "ID", String(killed ?? -1)]), .integer(1))
        usleep(50_000)
        XCTAssertNotEqual(try pool.command(["CLIENT", "ID"]).integer, killed, "the first call after the kill works")
        XCTAssertEqual(pool.statistics, .init(open: 1, idle: 1, created: 2, discarded: 1))
    }

    func testShutdownRefusesLaterCalls() throws {
        let pool = try RedisPool(url: SharedRedis.url())
        try pool.ping()
        pool.shutdown()
        XCTAssertEqual(pool.statistics.open, 0)
        XCTAssertThrowsError(try pool.ping()) { error in
            guard case RedisError.poolClosed = error else { return XCTFail("got \(error)") }
        }
    }

    func testRedisDownFailsFastThenRecoversAfterRestart() throws {
        let server = try PrivateRedisServer()
        let log = LockedList()
        var configuration = RedisPool.Configuration(address: try server.address, maxConnections: 3)
        configuration.backoff = .milliseconds(300)
        let pool = RedisPool(configuration: configuration, log: { log.append($0) })
        try pool.set("k", "before")
        try pool.withConnection { a in try pool.withConnection { b in try a.ping(); try b.ping() } }
        XCTAssertEqual(pool.statistics.idle, 2)

        server.kill()
        let (first, firstError) = timed { _ = try pool.get("k") }
        XCTAssertLessThan(first, .seconds(1))
        guard case RedisError.connectFailed? = firstError as? RedisError else {
            return XCTFail("expected connectFailed after the stale connections were dropped, got \(String(describing: firstError))")
        }
        XCTAssertEqual(pool.statistics.discarded, 2, "both idle connections were found closed by the server")
        let (second, secondError) = timed { _ = try pool.get("k") }
        guard case RedisError.backingOff? = secondError as? RedisError else {
            return XCTFail("expected backingOff, got \(String(describing: secondError))")
        }
        XCTAssertLessThan(second, .milliseconds(50), "no connect attempt during the back-off")
        XCTAssertTrue((secondError as? RedisError)?.isUnavailable ?? false)

        try server.start()
        usleep(350_000)
        XCTAssertNil(try pool.get("k"), "a fresh server without persistence")
        try pool.set("k", "after")
        XCTAssertEqual(try pool.getString("k"), "after")
        XCTAssertEqual(log.items.count, 2, "\(log.items)")
        XCTAssertTrue(log.items.first?.contains("cannot connect") ?? false, "\(log.items)")
        XCTAssertTrue(log.items.last?.contains("reachable again") ?? false, "\(log.items)")
    }

    func testAHungServerCostsOneTimeoutPerBackOff() throws {
        let server = try PrivateRedisServer()
        var configuration = RedisPool.Configuration(address: try server.address)
        configuration.connection.commandTimeout = .milliseconds(200)
        configuration.backoff = .milliseconds(300)
        let pool = RedisPool(configuration: configuration)
        try pool.set("k", "v")
        server.pause()
        let (slow, timeoutError) = timed { _ = try pool.get("k") }
        XCTAssertEqual(timeoutError as? RedisError, .timeout(address: try server.address.description))
        XCTAssertLessThan(slow, .seconds(1))
        let (fast, fastError) = timed { _ = try pool.get("k") }
        guard case RedisError.backingOff? = fastError as? RedisError else {
            return XCTFail("expected backingOff after the timeout, got \(String(describing: fastError))")
        }
        XCTAssertLessThan(fast, .milliseconds(50))
        server.resume()
        usleep(350_000)
        XCTAssertEqual(try pool.getString("k"), "v")
    }

    func testBackOffEndsWithOneProbe() throws {
        let server = try PrivateRedisServer()
        var configuration = RedisPool.Configuration(address: try server.address)
        configuration.backoff = .milliseconds(200)
        let pool = RedisPool(configuration: configuration)
        server.kill()
        XCTAssertThrowsError(try pool.ping())
        usleep(250_000)
        let (probe, error) = timed { try pool.ping() }
        guard case RedisError.connectFailed? = error as? RedisError else {
            return XCTFail("after the back-off the next call tries again, got \(String(describing: error))")
        }
        XCTAssertLessThan(probe, .seconds(1))
        XCTAssertThrowsError(try pool.ping()) { error in
            guard case RedisError.backingOff = error else { return XCTFail("got \(error)") }
        }
    }
}

/// A list that many threads append to.
final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []

    func append(_ item: String) {
        lock.lock()
        storage.append(item)
        lock.unlock()
    }

    var items: [String] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}
