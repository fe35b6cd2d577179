import XCTest
@testable import Redis

final class RedisAddressTests: XCTestCase {
    func testTCPWithPasswordAndDatabase() throws {
        let address = try RedisAddress(url: "redis://:s%40cret@cache.example:6380/3")
        XCTAssertEqual(address.endpoint, .tcp(host: "cache.example", port: 6380))
        XCTAssertNil(address.username)
        XCTAssertEqual(address.password, "s@cret")
        XCTAssertEqual(address.database, 3)
        XCTAssertEqual(address.description, "cache.example:6380 db 3")
    }

    func testTCPDefaults() throws {
        let address = try RedisAddress(url: "redis://localhost")
        XCTAssertEqual(address, RedisAddress(endpoint: .tcp(host: "localhost", port: 6379)))
        XCTAssertEqual(try RedisAddress(url: "redis://localhost/").database, 0)
    }

    func testUserAndIPv6() throws {
        let address = try RedisAddress(url: "redis://app:pw@[::1]:7000/1")
        XCTAssertEqual(address.endpoint, .tcp(host: "::1", port: 7000))
        XCTAssertEqual(address.username, "app")
        XCTAssertEqual(address.password, "pw")
        XCTAssertEqual(address.description, "[::1]:7000 db 1")
    }

    func testUnixSocket() throws {
        XCTAssertEqual(try RedisAddress(url: "unix:///run/redis/redis.sock"),
                       RedisAddress(endpoint: .unix(path: "/run/redis/redis.sock")))
        let withDatabase = try RedisAddress(url: "redis+unix:///tmp/r.sock?db=4&password=x")
        XCTAssertEqual(withDatabase.endpoint, .unix(path: "/tmp/r.sock"))
        XCTAssertEqual(withDatabase.database, 4)
        XCTAssertEqual(withDatabase.password, "x")
        XCTAssertEqual(try RedisAddress(url: "unix://:pw@/tmp/r.sock").password, "pw")
        XCTAssertEqual(withDatabase.description, "unix:/tmp/r.sock db 4")
    }

    func testBadURLsSayWhatIsWrong() {
        assertInvalid("localhost:6379", because: "expected redis://")
        assertInvalid("http://localhost", because: "unknown scheme \"http\"")
        assertInvalid("rediss://localhost", because: "TLS")
        assertInvalid("redis://localhost:http", because: "port \"http\"")
        assertInvalid("redis://localhost:70000", because: "1 to 65535")
        assertInvalid("redis://:6379", because: "host is missing")
        assertInvalid("redis://localhost/two", because: "\"two\" is not a database number")
        assertInvalid("redis://localhost?db=-1", because: "\"-1\" is not a database number")
        assertInvalid("unix://relative/path.sock", because: "absolute path")
        assertInvalid("unix:///tmp/r.sock?timeout=3", because: "unknown query parameter \"timeout\"")
        assertInvalid("redis://justauser@localhost", because: ":password or user:password")
        assertInvalid("redis://:bad%zz@localhost", because: "%-escape")
    }

    func testErrorsNeverRepeatThePassword() {
        for url in ["redis://:hunter2@localhost:99999", "unix:///tmp/r.sock?password=hunter2&bogus=1"] {
            XCTAssertThrowsError(try RedisAddress(url: url)) { error in
                XCTAssertFalse("\(error)".contains("hunter2"), "\(error)")
                XCTAssertTrue("\(error)".contains("***"), "\(error)")
            }
        }
        XCTAssertFalse(try RedisAddress(url: "redis://:hunter2@localhost").description.contains("hunter2"))
    }

    private func assertInvalid(_ url: String, because reason: String, line: UInt = #line) {
        XCTAssertThrowsError(try RedisAddress(url: url), line: line) { error in
            guard case RedisError.invalidURL(_, let message) = error else {
                return XCTFail("expected invalidURL, got \(error)", line: line)
            }
            XCTAssertTrue(message.contains(reason), "\"\(message)\" should mention \(reason)", line: line)
            XCTAssertFalse((error as? RedisError)?.isUnavailable ?? true, line: line)
        }
    }
}
