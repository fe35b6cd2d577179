import Auth
import XCTest

final class PasswordHashTests: XCTestCase {
    /// The demo users' hashes as InvenTree exported them in 2024 and as InvenTree 1.5 (API 530) exports them.
    static let demoHashes: [(String, String, String)] = [
        ("admin", "inventree", "pbkdf2_sha256$600000$eW6hr1msXY3U1vkqy3K4wd$/egntyTaLBCUPnM1nM2LIbbDGjKfccvIOgexovlFKjo="),
        ("reader", "readonly", "pbkdf2_sha256$260000$nPPXL5SwN9ZVrjrUOzp9Y0$TQGwwJt8SwiwtQ6IZRM/F+eDEYUbxnM3rFXiNkAYUYw="),
        ("engineer", "partsonly", "pbkdf2_sha256$260000$3tovBUArQz4TuQyeR4YaHC$q62Z5ypi6Sti7sF7otItu/25d/n31IqhVw60hDlNqdw="),
        ("allaccess", "nolimits", "pbkdf2_sha256$600000$D9HxLyJ59a7P0FftXtfQRZ$Z0S7UCUhNoh52DlzoQ8jgXL6hHZm0JnWvicpbEHhZFI="),
        ("admin", "inventree", "pbkdf2_sha256$1000000$l8ybIBf9B06b8iLe7DhwAJ$uVD0bv3JhQiZwHPOzH2OoWItnwpexCg7wTyPQ0V0hfg="),
        ("reader", "readonly", "pbkdf2_sha256$1000000$gSSVRL2P6M4tSObIr01sid$nC1p2bNiQBEAlbi8NaJbEwSaY6dNgafnJxKoUdARkQM="),
        ("engineer", "partsonly", "pbkdf2_sha256$1000000$DePV4ulaI0F7JOFStmebny$/y7y328X8j99ipRCaSfHwrvCKrr9VveT+b8lKISV+qo="),
        ("allaccess", "nolimits", "pbkdf2_sha256$1000000$88dUBpdkVGqGa8NS8TBQcZ$2TzvGZBrVpPFoDYLCnLLAgGAmutva757VM5dV9Yewgw="),
    ]

    func testDemoUsersVerifyWithTheirPasswordsOnly() throws {
        for (user, password, encoded) in Self.demoHashes {
            let hash = try DjangoPasswordHash(parsing: encoded)
            XCTAssertTrue(hash.verify(password), "\(user) with \(hash.iterations) iterations")
            XCTAssertFalse(hash.verify(password + "x"), user)
            XCTAssertEqual(hash.encoded, encoded)
        }
    }

    func testNewHashesUseDjangoFormatSaltAndIterations() throws {
        XCTAssertEqual(PasswordPolicy().iterations, 1_000_000)
        let hash = PasswordPolicy(iterations: 1000).hash("correct horse")
        let parts = hash.encoded.split(separator: "$")
        XCTAssertEqual(parts.count, 4)
        XCTAssertEqual(parts[0], "pbkdf2_sha256")
        XCTAssertEqual(parts[1], "1000")
        XCTAssertEqual(parts[2].count, 22)
        XCTAssertTrue(parts[2].allSatisfy { $0.isLetter || $0.isNumber })
        XCTAssertEqual(parts[3].count, 44)
        XCTAssertTrue(try DjangoPasswordHash(parsing: hash.encoded).verify("correct horse"))
        XCTAssertNotEqual(PasswordPolicy(iterations: 1000).hash("correct horse").salt, hash.salt)
    }

    func testKnownVectorFromDjango() {
        // django.contrib.auth.hashers.PBKDF2PasswordHasher().encode('lètmein', 'seasalt2', 260000)
        let hash = DjangoPasswordHash.make(password: "lètmein", salt: "seasalt2", iterations: 260_000)
        XCTAssertEqual(hash.encoded, "pbkdf2_sha256$260000$seasalt2$UCGMhrOoaq1ghQPArIBK5RkI6IZLRxlIwHWA1dMy7y8=")
    }

    func testRehashWhenIterationsDiffer() throws {
        let old = try DjangoPasswordHash(parsing: Self.demoHashes[1].2)
        XCTAssertTrue(old.needsRehash(currentIterations: 1_000_000))
        XCTAssertFalse(try DjangoPasswordHash(parsing: Self.demoHashes[5].2).needsRehash(currentIterations: 1_000_000))
    }

    func testUnusableUnsupportedAndMalformedHashesAreRejectedWithAReason() {
        XCTAssertThrowsError(try DjangoPasswordHash(parsing: "!Xa8s9d")) {
            XCTAssertEqual($0 as? DjangoPasswordHash.ParseError, .unusable)
        }
        XCTAssertThrowsError(try DjangoPasswordHash(parsing: "")) {
            XCTAssertEqual($0 as? DjangoPasswordHash.ParseError, .unusable)
        }
        XCTAssertThrowsError(try DjangoPasswordHash(parsing: "argon2$argon2id$v=19$m=102400,t=2,p=8$abc$def")) {
            XCTAssertEqual($0 as? DjangoPasswordHash.ParseError, .unsupportedAlgorithm("argon2"))
        }
        XCTAssertThrowsError(try DjangoPasswordHash(parsing: "pbkdf2_sha256$zero$salt$aGFzaA==")) {
            XCTAssertTrue(String(describing: $0).contains("iteration count 'zero'"))
        }
        XCTAssertThrowsError(try DjangoPasswordHash(parsing: "pbkdf2_sha256$1000$salt"))
        XCTAssertThrowsError(try DjangoPasswordHash(parsing: "pbkdf2_sha256$1000$salt$not base64!"))
    }

    func testConstantTimeComparison() {
        XCTAssertTrue(ConstantTime.equal("abc", "abc"))
        XCTAssertFalse(ConstantTime.equal("abc", "abd"))
        XCTAssertFalse(ConstantTime.equal("abc", "abcd"))
        XCTAssertTrue(ConstantTime.equal([UInt8](), []))
    }

    func testSHA256KnownAnswer() {
        XCTAssertEqual(Digest.hex(Digest.sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
