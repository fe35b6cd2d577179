import XCTest
@testable import Redis

final class RedisTCPTests: XCTestCase {
    func testPasswordAndDatabaseFromTheURL() throws {
        let server = try PrivateRedisServer(.tcp(password: "s3cret/+"))
        let url = "redis://:s3cret%2F%2B@127.0.0.1:\(server.port)"
        let three = try RedisConnection(url: url + "/3")
        XCTAssertTrue(try XCTUnwrap(three.command(["CLIENT", "INFO"]).string).contains(" db=3 "))
        try three.set("k", "in three")
        XCTAssertNil(try RedisConnection(url: url + "/0").get("k"))
        XCTAssertEqual(try RedisConnection(url: "redis://default:s3cret%2F%2B@127.0.0.1:\(server.port)/3").getString("k"), "in three")

        let pool = try RedisPool(url: url + "/3", maxConnections: 2)
        XCTAssertEqual(try pool.getString("k"), "in three")
    }

    func testWrongOrMissingPassword() throws {
        let server = try PrivateRedisServer(.tcp(password: "right"))
        XCTAssertThrowsError(try RedisConnection(url: "redis://:wrong@127.0.0.1:\(server.port)")) { error in
            guard case RedisError.authenticationFailed(let address, let message) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(address, "127.0.0.1:\(server.port)")
            XCTAssertTrue(message.contains("WRONGPASS") || message.contains("invalid"), message)
            XCTAssertFalse("\(error)".contains("wrong"), "the password is not repeated: \(error)")
        }
        let anonymous = try RedisConnection(url: "redis://127.0.0.1:\(server.port)")
        XCTAssertThrowsError(try anonymous.ping()) { error in
            guard case RedisError.server(let message) = error else { return XCTFail("got \(error)") }
            XCTAssertTrue(message.hasPrefix("NOAUTH"), message)
        }
    }

    func testRefusedPortFailsFast() throws {
        let server = try PrivateRedisServer(.tcp(password: "pw"))
        server.kill()
        let (elapsed, error) = timed { _ = try RedisConnection(url: server.url()) }
        XCTAssertLessThan(elapsed, .seconds(1))
        guard case RedisError.connectFailed(let address, let reason)? = error as? RedisError else {
            return XCTFail("got \(String(describing: error))")
        }
        XCTAssertEqual(address, "127.0.0.1:\(server.port)")
        XCTAssertTrue(reason.contains("refused"), reason)
    }
}
