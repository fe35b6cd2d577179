import Auth
import XCTest

final class CSRFTests: XCTestCase {
    let check = CSRFCheck(trustedOrigins: ["https://inventory.example.com"])

    func testMaskedTokensUnmaskToTheSecret() {
        let secret = CSRFToken.newSecret()
        let masked = CSRFToken.mask(secret)
        XCTAssertEqual(masked.count, 64)
        XCTAssertNotEqual(masked, CSRFToken.mask(secret))
        XCTAssertEqual(CSRFToken.secret(of: masked), secret)
        XCTAssertEqual(CSRFToken.secret(of: secret), secret)
        XCTAssertNil(CSRFToken.secret(of: "short"))
        XCTAssertNil(CSRFToken.secret(of: String(repeating: "-", count: 32)))
    }

    func testSafeMethodsNeedNoToken() {
        for method in ["GET", "HEAD", "OPTIONS"] {
            XCTAssertNil(check.failure(.init(method: method, cookie: nil, header: nil)))
        }
    }

    func testUnsafeMethodsNeedTheCookieSecretInTheHeader() {
        let secret = CSRFToken.newSecret()
        XCTAssertEqual(check.failure(.init(method: "POST", cookie: nil, header: secret)), "CSRF cookie not set.")
        XCTAssertEqual(check.failure(.init(method: "DELETE", cookie: secret, header: nil)), "CSRF token missing.")
        XCTAssertEqual(check.failure(.init(method: "PATCH", cookie: secret, header: CSRFToken.newSecret())),
                       "CSRF token from the 'X-Csrftoken' HTTP header incorrect.")
        XCTAssertNil(check.failure(.init(method: "POST", cookie: secret, header: secret)))
        XCTAssertNil(check.failure(.init(method: "PUT", cookie: secret, header: CSRFToken.mask(secret))))
    }

    func testOriginMustBeThisSiteOrTrusted() {
        let secret = CSRFToken.newSecret()
        XCTAssertNil(check.failure(.init(method: "POST", cookie: secret, header: secret, origin: "http://localhost:8000",
                                         host: "localhost:8000")))
        XCTAssertEqual(check.failure(.init(method: "POST", cookie: secret, header: secret, origin: "http://evil.example",
                                           host: "localhost:8000")),
                       "Origin checking failed - http://evil.example does not match any trusted origins.")
        XCTAssertNil(check.failure(.init(method: "POST", cookie: secret, header: secret,
                                         origin: "https://inventory.example.com", host: "internal:8000", isSecure: true)))
        XCTAssertEqual(check.failure(.init(method: "POST", cookie: secret, header: secret, host: "a.example", isSecure: true)),
                       "Referer checking failed - no Referer.")
        XCTAssertNil(check.failure(.init(method: "POST", cookie: secret, header: secret, referer: "https://a.example/web/",
                                         host: "a.example", isSecure: true)))
    }
}
