import Auth
import FoundationEssentials
import XCTest

final class CredentialTests: XCTestCase {
    func testAuthorizationHeaderSchemes() {
        XCTAssertEqual(AuthorizationHeader("Token inv-abc-20260101"), .token("inv-abc-20260101"))
        XCTAssertEqual(AuthorizationHeader("Bearer xyz"), .token("xyz"))
        XCTAssertEqual(AuthorizationHeader("token  xyz "), .token("xyz"))
        let basic = "Basic " + Data("admin:in:ventree".utf8).base64EncodedString()
        XCTAssertEqual(AuthorizationHeader(basic), .basic(username: "admin", password: "in:ventree"))
        XCTAssertEqual(AuthorizationHeader("Digest abc"), .otherScheme("Digest"))
        XCTAssertEqual(AuthorizationHeader("Token"), .malformed(reason: "Invalid token header. No credentials provided."))
        XCTAssertEqual(AuthorizationHeader("Token a b"),
                       .malformed(reason: "Invalid token header. Token string should not contain spaces."))
        XCTAssertEqual(AuthorizationHeader("Basic !!!"),
                       .malformed(reason: "Invalid basic header. Credentials not correctly base64 encoded."))
        XCTAssertNil(AuthorizationHeader("  "))
    }

    func testCacheKeyHidesThePasswordAndDependsOnTheSecret() {
        let header = "Basic " + Data("admin:inventree".utf8).base64EncodedString()
        let one = VerifiedCredentialCache(secret: Array("one".utf8))
        let two = VerifiedCredentialCache(secret: Array("two".utf8))
        let key = one.key(forHeader: header)
        XCTAssertEqual(key.count, 64)
        XCTAssertFalse(key.contains("inventree"))
        XCTAssertNotEqual(key, Digest.hex(Digest.sha256(header)))
        XCTAssertNotEqual(key, two.key(forHeader: header))
        XCTAssertEqual(key, one.key(forHeader: header))
        XCTAssertNotEqual(key, one.key(forHeader: header + "x"))
    }

    func testCacheEntriesExpireAndStopMatchingAfterAPasswordChange() {
        var now: UInt64 = 1_000
        let cache = VerifiedCredentialCache(secret: [1, 2, 3], lifetime: .seconds(60), now: { now })
        cache.remember(header: "Basic x", userID: 7, storedHash: "pbkdf2_sha256$1$a$b")
        guard let entry = cache.lookup(header: "Basic x") else { return XCTFail("entry missing") }
        XCTAssertEqual(entry.userID, 7)
        XCTAssertTrue(VerifiedCredentialCache.matches(entry, storedHash: "pbkdf2_sha256$1$a$b"))
        XCTAssertFalse(VerifiedCredentialCache.matches(entry, storedHash: "pbkdf2_sha256$1$c$d"))
        XCTAssertNil(cache.lookup(header: "Basic y"))
        now += 59_000_000_000
        XCTAssertNotNil(cache.lookup(header: "Basic x"))
        now += 1_000_000_000
        XCTAssertNil(cache.lookup(header: "Basic x"))
        XCTAssertEqual(cache.count, 0)
    }

    func testTokenKeysAreInvenTreeShaped() {
        let date = Date(timeIntervalSince1970: 1_795_996_800) // 2026-11-30T00:00:00Z
        let key = APITokenKey.generate(on: date)
        XCTAssertTrue(key.hasPrefix("inv-"))
        XCTAssertTrue(key.hasSuffix("-20261130"))
        XCTAssertEqual(key.count, 53)
        XCTAssertNotEqual(key, APITokenKey.generate(on: date))
        XCTAssertEqual(APITokenKey.sanitizeName("  my <b>token</b> name\n"), "my-token-name")
        XCTAssertEqual(APITokenKey.sanitizeName(String(repeating: "a", count: 150)).count, 100)
    }
}
