import XCTest
@testable import Redis

final class SHA1Tests: XCTestCase {
    func testKnownVectors() {
        XCTAssertEqual(SHA1.hexDigest([]), "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        XCTAssertEqual(SHA1.hexDigest(Array("abc".utf8)), "a9993e364706816aba3e25717850c26c9cd0d89d")
        XCTAssertEqual(SHA1.hexDigest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        XCTAssertEqual(SHA1.hexDigest([UInt8](repeating: UInt8(ascii: "a"), count: 1000)),
                       "291e9a6c66994949b57ba5e650361e98fc36b1ba")
    }

    func testRedisNamesTheLockScriptsTheSameWay() throws {
        let connection = try SharedRedis.connection()
        for script in [RedisLock.releaseScript, RedisLock.extendScript] {
            XCTAssertEqual(try connection.command(["SCRIPT", "LOAD", script.source]).string, script.sha1)
        }
    }
}
