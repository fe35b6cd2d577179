import XCTest
@testable import Redis

final class RedisSubscriberTests: XCTestCase {
    func testMessagesAndTimeouts() throws {
        let channel = SharedRedis.prefix("pubsub") + "events"
        let subscriber = try RedisSubscriber(url: SharedRedis.url())
        let publisher = try SharedRedis.connection()
        try subscriber.subscribe([channel])

        let (waited, error) = timed { XCTAssertNil(try subscriber.next(timeout: .milliseconds(150))) }
        XCTAssertNil(error)
        XCTAssertGreaterThanOrEqual(waited, .milliseconds(140))
        XCTAssertLessThan(waited, .seconds(1))
        XCTAssertTrue(subscriber.isConnected, "a timeout does not break the connection")

        XCTAssertEqual(try publisher.publish(channel, [0, 1, 0xFF]), 1)
        XCTAssertEqual(try publisher.publish(channel, "second"), 1)
        XCTAssertEqual(try subscriber.next(timeout: .seconds(2)), RedisMessage(channel: channel, payload: [0, 1, 0xFF]))
        XCTAssertEqual(try subscriber.next(timeout: .seconds(2))?.text, "second")
        XCTAssertNil(try subscriber.next(timeout: .milliseconds(20)))

        try subscriber.unsubscribe([channel])
        XCTAssertEqual(try publisher.publish(channel, "unheard"), 0)
        XCTAssertNil(try subscriber.next(timeout: .milliseconds(20)))
    }

    func testPatterns() throws {
        let prefix = SharedRedis.prefix("psubscribe")
        let subscriber = try RedisSubscriber(url: SharedRedis.url())
        try subscriber.psubscribe([prefix + "part.*"])
        try subscriber.subscribe([prefix + "other"])
        let publisher = try SharedRedis.connection()
        XCTAssertEqual(try publisher.publish(prefix + "part.42", "changed"), 1)
        XCTAssertEqual(try publisher.publish(prefix + "other", "too"), 1)
        XCTAssertEqual(try subscriber.next(timeout: .seconds(2)),
                       RedisMessage(channel: prefix + "part.42", pattern: prefix + "part.*", payload: Array("changed".utf8)))
        XCTAssertEqual(try subscriber.next(timeout: .seconds(2)), RedisMessage(channel: prefix + "other", payload: Array("too".utf8)))
        try subscriber.punsubscribe([prefix + "part.*"])
        XCTAssertEqual(try publisher.publish(prefix + "part.42", "changed"), 0)
    }

    func testReconnectsAndResubscribesAfterARestart() throws {
        let server = try PrivateRedisServer()
        let log = LockedList()
        let subscriber = RedisSubscriber(address: try server.address, backoff: .milliseconds(200), log: { log.append($0) })
        try subscriber.subscribe(["feed"])
        try subscriber.psubscribe(["feed.*"])
        XCTAssertEqual(try RedisConnection(url: server.url()).publish("feed", "one"), 1)
        XCTAssertEqual(try subscriber.next(timeout: .seconds(2))?.text, "one")

        server.kill()
        XCTAssertThrowsError(try subscriber.next(timeout: .seconds(2))) { error in
            guard case RedisError.io = error else { return XCTFail("expected io, got \(error)") }
        }
        XCTAssertFalse(subscriber.isConnected)
        let (failed, error) = timed { _ = try subscriber.next(timeout: .milliseconds(100)) }
        XCTAssertLessThan(failed, .seconds(1))
        XCTAssertTrue((error as? RedisError)?.isUnavailable ?? false, "\(String(describing: error))")

        try server.start()
        var recovered = false
        for _ in 0..<20 where !recovered {
            recovered = (try? subscriber.next(timeout: .milliseconds(100))) != nil || subscriber.isConnected
        }
        XCTAssertTrue(recovered)
        XCTAssertEqual(subscriber.reconnections, 1)
        let publisher = try RedisConnection(url: server.url())
        XCTAssertEqual(try publisher.publish("feed", "two"), 1, "subscribed to the channel again")
        XCTAssertEqual(try publisher.publish("feed.x", "three"), 1, "subscribed to the pattern again")
        XCTAssertEqual(try subscriber.next(timeout: .seconds(2))?.text, "two")
        XCTAssertEqual(try subscriber.next(timeout: .seconds(2)), RedisMessage(channel: "feed.x", pattern: "feed.*", payload: Array("three".utf8)))
        XCTAssertTrue(log.items.contains { $0.contains("reconnected") }, "\(log.items)")
    }
}
