import XCTest
@testable import Redis

final class PubSubEventTests: XCTestCase {
    func testMessages() {
        XCTAssertEqual(PubSubEvent(.array([.string(Array("message".utf8)), .string(Array("ch".utf8)), .string([0, 1])])),
                       .message(RedisMessage(channel: "ch", payload: [0, 1])))
        XCTAssertEqual(PubSubEvent(.array([.string(Array("pmessage".utf8)), .string(Array("c*".utf8)),
                                           .string(Array("ch".utf8)), .string(Array("x".utf8))])),
                       .message(RedisMessage(channel: "ch", pattern: "c*", payload: Array("x".utf8))))
    }

    func testConfirmationsAndOthers() {
        XCTAssertEqual(PubSubEvent(.array([.string(Array("subscribe".utf8)), .string(Array("ch".utf8)), .integer(2)])),
                       .confirmation(kind: "subscribe", name: "ch", count: 2))
        XCTAssertEqual(PubSubEvent(.array([.string(Array("unsubscribe".utf8)), .null, .integer(0)])),
                       .confirmation(kind: "unsubscribe", name: nil, count: 0))
        XCTAssertEqual(PubSubEvent(.array([.string(Array("pong".utf8)), .string([])])), .pong)
        XCTAssertEqual(PubSubEvent(.status("OK")), .other(.status("OK")))
        XCTAssertEqual(PubSubEvent(.array([.string(Array("message".utf8)), .integer(1)])),
                       .other(.array([.string(Array("message".utf8)), .integer(1)])))
    }
}
