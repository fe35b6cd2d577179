import API
import Auth
import HTTP
import XCTest

final class SessionAPITests: APITestCase {
    /// name=value pairs of the response's Set-Cookie headers.
    func cookies(_ response: HTTPResponse) -> [String: String] {
        var result: [String: String] = [:]
        for header in response.headers.values("Set-Cookie") {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            result[String(pair[0])] = pair.count > 1 ? String(pair[1]) : ""
        }
        return result
    }

    func testBrowserSignInUseAndSignOut() throws {
        let first = send(.GET, "/api/auth/v1/auth/session")
        XCTAssertEqual(first.status, 401)
        XCTAssertEqual(try json(first)["meta"], .object([("is_authenticated", .bool(false))]))
        guard let csrf = cookies(first)["csrftoken"] else { return XCTFail("no CSRF cookie") }

        let body = #"{"username": "allaccess", "password": "nolimits"}"#
        let forged = send(.POST, "/api/auth/v1/auth/login", headers: [("Cookie", "csrftoken=\(csrf)")], body: body)
        XCTAssertEqual(forged.status, 403)

        let login = send(.POST, "/api/auth/v1/auth/login",
                         headers: [("Cookie", "csrftoken=\(csrf)"), ("X-CSRFToken", CSRFToken.mask(csrf))], body: body)
        XCTAssertEqual(login.status, 200)
        XCTAssertEqual(try json(login)["data"]?["user"]?["username"], .string("allaccess"))
        let setCookies = login.headers.values("Set-Cookie")
        XCTAssertTrue(setCookies.contains { $0.hasPrefix("sessionid=") && $0.contains("HttpOnly") && $0.contains("SameSite=Lax") })
        guard let session = cookies(login)["sessionid"], let newCSRF = cookies(login)["csrftoken"] else {
            return XCTFail("login set no session")
        }
        XCTAssertNotEqual(newCSRF, csrf)
        let cookieHeader = ("Cookie", "sessionid=\(session); csrftoken=\(newCSRF)")

        XCTAssertEqual(try json(send(.GET, "/api/user/me/", headers: [cookieHeader]))["username"], .string("allaccess"))
        XCTAssertEqual(try json(send(.GET, "/api/auth/v1/auth/session", headers: [cookieHeader]))["meta"]?["is_authenticated"],
                       .bool(true))

        let noToken = send(.DELETE, "/api/auth/v1/auth/session", headers: [cookieHeader])
        XCTAssertEqual(noToken.status, 403)
        XCTAssertEqual(try json(noToken)["errors"]?.arrayFirst?["message"], .string("CSRF Failed: CSRF token missing."))
        XCTAssertEqual(send(.GET, "/api/user/me/", headers: [cookieHeader]).status, 200)

        let logout = send(.DELETE, "/api/auth/v1/auth/session", headers: [cookieHeader, ("X-CSRFToken", newCSRF)])
        XCTAssertEqual(logout.status, 401)
        XCTAssertEqual(cookies(logout)["sessionid"], "\"\"")
        XCTAssertEqual(send(.GET, "/api/user/me/", headers: [cookieHeader]).status, 401)
    }

    func testWrongPasswordsAreRefusedThenRateLimited() throws {
        let csrf = CSRFToken.newSecret()
        let headers = [("Cookie", "csrftoken=\(csrf)"), ("X-CSRFToken", csrf)]
        for _ in 0..<5 {
            let wrong = send(.POST, "/api/auth/v1/auth/login", headers: headers, body: #"{"username": "admin", "password": "x"}"#)
            XCTAssertEqual(wrong.status, 400)
            XCTAssertEqual(Set(keys(try json(wrong)["errors"]?.arrayFirst)), ["message", "code", "param"])
        }
        let limited = send(.POST, "/api/auth/v1/auth/login", headers: headers, body: #"{"username": "admin", "password": "inventree"}"#)
        XCTAssertEqual(limited.status, 429)
        XCTAssertNotNil(limited.headers["Retry-After"])
        XCTAssertEqual(try json(limited), .object([("status", .int(429))]))
        // Basic auth is limited by the same counters.
        XCTAssertEqual(send(.GET, "/api/user/me/", headers: [basic("admin", "inventree")]).status, 429)
        let form = send(.POST, "/api/auth/v1/auth/login", headers: headers + [("Content-Type", "application/x-www-form-urlencoded")],
                        body: "username=reader&password=readonly")
        XCTAssertEqual(form.status, 200)
        let empty = send(.POST, "/api/auth/v1/auth/login", headers: headers, body: #"{"username": "reader"}"#)
        XCTAssertEqual(empty.status, 400)
    }
}

extension JSONValue {
    var arrayFirst: JSONValue? {
        if case .array(let items) = self { return items.first }
        return nil
    }
}
