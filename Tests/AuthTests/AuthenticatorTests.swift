import Auth
import FoundationEssentials
import Postgres
import Redis
import XCTest

final class AuthenticatorTests: DatabaseTestCase {
    func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    func identity(_ outcome: AuthOutcome, file: StaticString = #filePath, line: UInt = #line) -> Identity? {
        guard case .authenticated(let identity) = outcome else {
            XCTFail("expected a signed-in user, got \(outcome)", file: file, line: line)
            return nil
        }
        return identity
    }

    func testEachDemoUserSignsInWithBasicAndGetsTheirRoles() throws {
        let auth = Authenticator(pool: pool, redis: redis, settings: settings())
        let expected: [(String, String, RuleSet, [Permission])] = [
            ("admin", "inventree", .transferOrder, Permission.allCases),
            ("reader", "readonly", .stock, [.view]),
            ("engineer", "partsonly", .purchaseOrder, []),
            ("allaccess", "nolimits", .stock, Permission.allCases),
        ]
        for (name, password, role, permissions) in expected {
            let outcome = try auth.authenticate(AuthRequest(method: "GET", authorization: basic(name, password), remoteAddress: "10.0.0.1"))
            guard let identity = identity(outcome) else { continue }
            XCTAssertEqual(identity.user.username, name)
            XCTAssertEqual(identity.method, .basic)
            XCTAssertEqual(identity.permissions.allowed(role), permissions, name)
        }
        let wrong = try auth.authenticate(AuthRequest(method: "GET", authorization: basic("admin", "nope"), remoteAddress: "10.0.0.2"))
        XCTAssertEqual(wrong, .failed(.invalidCredentials))
    }

    func testOutdatedHashIsRehashedOnLoginAndStillVerifies() throws {
        let auth = Authenticator(pool: pool, redis: redis, settings: settings(iterations: 1_000_000))
        guard case .success(let user) = try auth.verifyPassword(username: "reader", password: "readonly", address: "a") else {
            return XCTFail("reader did not sign in")
        }
        let stored = try DjangoPasswordHash(parsing: user.passwordHash)
        XCTAssertEqual(stored.iterations, 1_000_000)
        XCTAssertNotEqual(stored.salt, "nPPXL5SwN9ZVrjrUOzp9Y0")
        XCTAssertTrue(stored.verify("readonly"))
        XCTAssertEqual(try UserStore(pool: pool).user(id: 2)?.passwordHash, user.passwordHash)
    }

    func testBasicCacheSkipsPBKDF2AndAPasswordChangeInvalidatesIt() throws {
        let auth = Authenticator(pool: pool, redis: redis, settings: settings())
        let header = basic("allaccess", "nolimits")
        XCTAssertNotNil(identity(try auth.authenticate(AuthRequest(method: "GET", authorization: header))))
        XCTAssertEqual(auth.basicCache.count, 1)
        let start = monotonic()
        for _ in 0..<20 {
            XCTAssertNotNil(identity(try auth.authenticate(AuthRequest(method: "GET", authorization: header))))
        }
        // Twenty PBKDF2 runs of a million rounds take seconds; cached answers take milliseconds.
        XCTAssertLessThan(monotonic() - start, 0.5)
        try UserStore(pool: pool).setPassword(userID: 4, hash: PasswordPolicy(iterations: 1000).hash("changed"))
        XCTAssertEqual(try auth.authenticate(AuthRequest(method: "GET", authorization: header)), .failed(.invalidCredentials))
        XCTAssertNotNil(identity(try auth.authenticate(AuthRequest(method: "GET", authorization: basic("allaccess", "changed")))))
    }

    func testTokensAreReusedByNameAndRefusedWhenRevokedOrExpired() throws {
        let auth = Authenticator(pool: pool, redis: redis, settings: settings())
        let first = try auth.tokens.issue(userID: 3, name: "inventree-python-client")
        XCTAssertEqual(try auth.tokens.issue(userID: 3, name: "inventree-python-client").key, first.key)
        XCTAssertNotEqual(try auth.tokens.issue(userID: 3, name: "other").key, first.key)
        XCTAssertTrue(first.key.hasPrefix("inv-"))
        XCTAssertNil(first.lastSeen)

        for scheme in ["Token", "Bearer"] {
            let identity = identity(try auth.authenticate(AuthRequest(method: "POST", authorization: "\(scheme) \(first.key)")))
            XCTAssertEqual(identity?.user.username, "engineer")
            XCTAssertEqual(identity?.permissions.has(.part, .add), true)
        }
        let seen = try pool.withConnection { try $0.query("SELECT last_seen = current_date AS today FROM users_apitoken WHERE id = $1", [first.id]).singleRow().decode("today", as: Bool.self) }
        XCTAssertTrue(seen)

        XCTAssertEqual(try auth.authenticate(AuthRequest(method: "GET", authorization: "Token inv-nope")), .failed(.invalidToken))
        try pool.withConnection { _ = try $0.execute("UPDATE users_apitoken SET expiry = current_date - 1 WHERE id = $1", [first.id]) }
        XCTAssertEqual(try auth.authenticate(AuthRequest(method: "GET", authorization: "Token \(first.key)")),
                       .failed(AuthFailure(status: 401, detail: "Token has expired")))
        let renewed = try auth.tokens.issue(userID: 3, name: "inventree-python-client")
        XCTAssertNotEqual(renewed.key, first.key)
        try auth.tokens.revoke(tokenID: renewed.id)
        XCTAssertEqual(try auth.authenticate(AuthRequest(method: "GET", authorization: "Token \(renewed.key)")),
                       .failed(AuthFailure(status: 401, detail: "Token has been revoked")))
    }

    func testLastSeenIsWrittenAtMostOncePerInterval() throws {
        var now: UInt64 = 0
        let tokens = TokenStore(pool: pool, touchInterval: .seconds(600), now: { now })
        let token = try tokens.issue(userID: 1, name: "t")
        func reset() throws { try pool.withConnection { _ = try $0.execute("UPDATE users_apitoken SET last_seen = NULL") } }
        func seen() throws -> Bool {
            try pool.withConnection { try $0.query("SELECT last_seen IS NOT NULL AS seen FROM users_apitoken").singleRow().decode("seen") }
        }
        try tokens.touch(tokenID: token.id)
        XCTAssertTrue(try seen())
        try reset()
        now += 599_000_000_000
        try tokens.touch(tokenID: token.id)
        XCTAssertFalse(try seen(), "written again within the interval")
        now += 1_000_000_000
        try tokens.touch(tokenID: token.id)
        XCTAssertTrue(try seen())
    }

    func testSessionsNeedCSRFForUnsafeMethodsAndEndAtLogout() throws {
        let auth = Authenticator(pool: pool, redis: redis, settings: settings())
        let secret = CSRFToken.newSecret()
        let hash = try UserStore(pool: pool).user(id: 4)?.passwordHash ?? ""
        let (cookie, session) = try auth.sessions.create(userID: 4, passwordHash: hash, csrfSecret: secret)
        XCTAssertEqual(cookie.count, 32)
        let stored = try pool.withConnection { try $0.query("SELECT key FROM users_session").singleRow().decode("key", as: String.self) }
        XCTAssertEqual(stored, SessionStore.digest(of: cookie))
        XCTAssertNotEqual(stored, cookie)

        let get = AuthRequest(method: "GET", cookies: ["sessionid": cookie])
        XCTAssertEqual(identity(try auth.authenticate(get))?.method, .session(session))
        // Served from Redis the second time: still the same session.
        XCTAssertEqual(identity(try auth.authenticate(get))?.user.username, "allaccess")

        let post = AuthRequest(method: "POST", cookies: ["sessionid": cookie, "csrftoken": secret])
        XCTAssertEqual(try auth.authenticate(post), .failed(AuthFailure(status: 403, detail: "CSRF Failed: CSRF token missing.")))
        var good = post
        good.csrfHeader = CSRFToken.mask(secret)
        XCTAssertNotNil(identity(try auth.authenticate(good)))
        // Token requests are exempt even with a session cookie and no CSRF header.
        let token = try auth.tokens.issue(userID: 4, name: "")
        var tokenPost = post
        tokenPost.authorization = "Token \(token.key)"
        XCTAssertNotNil(identity(try auth.authenticate(tokenPost)))

        try auth.sessions.delete(cookie: cookie)
        XCTAssertEqual(try auth.authenticate(get), .anonymous)

        // A changed password ends the sessions opened with the old one.
        let (second, _) = try auth.sessions.create(userID: 4, passwordHash: hash, csrfSecret: secret)
        let again = AuthRequest(method: "GET", cookies: ["sessionid": second])
        XCTAssertNotNil(identity(try auth.authenticate(again)))
        try UserStore(pool: pool).setPassword(userID: 4, hash: PasswordPolicy(iterations: 1000).hash("new"))
        XCTAssertEqual(try auth.authenticate(again), .anonymous)
        XCTAssertEqual(try pool.withConnection { try $0.query("SELECT count(*)::int AS n FROM users_session").singleRow().decode("n", as: Int.self) }, 0)
        XCTAssertEqual(try auth.authenticate(AuthRequest(method: "GET", cookies: ["sessionid": "x"])), .anonymous)
    }

    func testInvalidatingCachesForgetsSessionsAndGrants() throws {
        let auth = Authenticator(pool: pool, redis: redis, settings: settings())
        let (cookie, _) = try auth.sessions.create(userID: 2, passwordHash: "x", csrfSecret: CSRFToken.newSecret())
        _ = try auth.sessions.session(cookie: cookie)
        _ = try auth.roles.grants(userID: 2)
        XCTAssertNotNil(try redis.getString("stockroom:session:" + SessionStore.digest(of: cookie)))
        try auth.invalidateCaches()
        XCTAssertNil(try redis.getString("stockroom:session:" + SessionStore.digest(of: cookie)))
        XCTAssertEqual(try redis.getString("stockroom:roles:version"), "1")
    }

    func testRoleCacheServesUntilInvalidated() throws {
        let roles = RoleStore(pool: pool, redis: redis)
        XCTAssertFalse(try roles.grants(userID: 2).allows(.stock, .add))
        try pool.withConnection { _ = try $0.execute("UPDATE users_ruleset SET can_add = true WHERE group_id = 1 AND name = 'stock'") }
        XCTAssertFalse(try roles.grants(userID: 2).allows(.stock, .add), "expected the cached grants")
        try roles.invalidate()
        XCTAssertTrue(try roles.grants(userID: 2).allows(.stock, .add))
        let withoutRedis = RoleStore(pool: pool, redis: nil)
        XCTAssertTrue(try withoutRedis.grants(userID: 2).allows(.stock, .add))
    }

    private func monotonic() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
