import Auth
import FoundationEssentials
import HTTP

/// Browser sign-in as InvenTree's web interface does it through allauth's headless API:
/// `POST /api/auth/v1/auth/login` (username and password), `GET /api/auth/v1/auth/session`
/// (who is signed in), `DELETE /api/auth/v1/auth/session` (sign out).
enum SessionEndpoints {
    static let login = "/api/auth/v1/auth/login"
    static let session = "/api/auth/v1/auth/session"

    static func register(_ router: APIRouter, _ context: APIContext) {
        router.raw(.POST, login, .anyone) { request in respond(context, request) { try signIn(context, request, $0) } }
        router.raw(.GET, session, .anyone) { request in respond(context, request) { try current(context, request, $0) } }
        router.raw(.DELETE, session, .anyone) { request in respond(context, request) { try signOut(context, request, $0) } }
    }

    /// allauth's answers are `{"status": ...}` documents; errors in them, not in DRF's `detail`.
    private static func respond(_ context: APIContext, _ request: HTTPRequest,
                                _ body: (ClientRequest) throws -> HTTPResponse) -> HTTPResponse {
        let client = ClientRequest(request)
        do {
            return try body(client)
        } catch let failure as AuthFailure {
            // allauth answers a rate limit with the bare status; other errors carry code and message.
            var body: [(String, JSONValue)] = [("status", .int(failure.status))]
            if failure.status != 429 {
                let code = failure.status == 403 ? "csrf_failed" : failure.status == 400 ? "invalid" : "unauthenticated"
                body.append(("errors", .array([.object([("message", .string(failure.detail)), ("code", .string(code))])])))
            }
            var response = JSONResponse.make(status: failure.status, .object(body))
            if let retry = failure.retryAfterSeconds { response.headers.add(name: "Retry-After", value: String(retry)) }
            return response
        } catch {
            context.logger.error("\(request.method) \(request.path): \(error)", ["REQUEST_ID": request.requestID])
            return JSONResponse.make(status: 500, .object([("status", .int(500))]))
        }
    }

    private static func signIn(_ context: APIContext, _ request: HTTPRequest, _ client: ClientRequest) throws -> HTTPResponse {
        let auth = context.authenticator
        // Django's CSRF middleware guards the login form too (against login CSRF).
        if let reason = auth.csrf.failure(CSRFCheck.Input(
            method: "POST", cookie: request.cookies[Authenticator.csrfCookie], header: request.headers["X-CSRFToken"],
            origin: request.headers["Origin"], referer: request.headers["Referer"], host: client.host, isSecure: client.isSecure)) {
            throw AuthFailure(status: 403, detail: "CSRF Failed: " + reason)
        }
        let credentials = try LoginBody(request)
        switch try auth.verifyPassword(username: credentials.username, password: credentials.password, address: client.address) {
        case .failure(let failure) where failure.status == 429:
            throw failure
        case .failure:
            return JSONResponse.make(status: 400, .object([
                ("status", .int(400)),
                ("errors", .array([.object([
                    ("message", .string("The username and/or password you specified are not correct.")),
                    ("code", .string("username_password_mismatch")), ("param", .string("password")),
                ])])),
            ]))
        case .success(let user):
            if let old = request.cookies[Authenticator.sessionCookie] { try auth.sessions.delete(cookie: old) }
            // A new CSRF secret at login, as Django's rotate_token.
            let csrfSecret = CSRFToken.newSecret()
            let (cookie, _) = try auth.sessions.create(userID: user.id, passwordHash: user.passwordHash, csrfSecret: csrfSecret)
            try auth.users.recordLogin(userID: user.id)
            var response = JSONResponse.make(authenticatedBody(user, at: Date()))
            let secure = auth.settings.secureCookies
            response.headers.add(name: "Set-Cookie", value: AuthCookies.session(
                cookie, maxAge: Int(auth.settings.sessionLifetime.components.seconds), secure: secure))
            response.headers.add(name: "Set-Cookie", value: AuthCookies.csrf(csrfSecret, secure: secure))
            return response
        }
    }

    private static func current(_ context: APIContext, _ request: HTTPRequest, _ client: ClientRequest) throws -> HTTPResponse {
        var response: HTTPResponse
        switch try context.authenticator.authenticate(client.authRequest(request)) {
        case .authenticated(let identity):
            response = JSONResponse.make(authenticatedBody(identity.user, at: nil))
        case .anonymous, .failed:
            response = unauthenticatedResponse()
        }
        // The web interface needs a CSRF cookie before it can post the login form.
        if request.cookies[Authenticator.csrfCookie].flatMap(CSRFToken.secret(of:)) == nil {
            response.headers.add(name: "Set-Cookie", value: AuthCookies.csrf(
                CSRFToken.newSecret(), secure: context.authenticator.settings.secureCookies))
        }
        return response
    }

    private static func signOut(_ context: APIContext, _ request: HTTPRequest, _ client: ClientRequest) throws -> HTTPResponse {
        let auth = context.authenticator
        switch try auth.authenticate(client.authRequest(request)) {
        case .failed(let failure) where failure.status == 403:
            throw failure
        case .authenticated(let identity):
            if case .session = identity.method, let cookie = request.cookies[Authenticator.sessionCookie] {
                try auth.sessions.delete(cookie: cookie)
            }
        default:
            break
        }
        var response = unauthenticatedResponse()
        response.headers.add(name: "Set-Cookie", value: AuthCookies.expiredSession(secure: auth.settings.secureCookies))
        return response
    }

    /// allauth's session document for a signed-in user (`at` is given right after a password login).
    static func authenticatedBody(_ user: UserRecord, at loginTime: Date?) -> JSONValue {
        let usable = (try? DjangoPasswordHash(parsing: user.passwordHash)) != nil
        var methods: [JSONValue] = []
        if let loginTime {
            methods.append(.object([("method", .string("password")), ("at", .double(loginTime.timeIntervalSince1970)),
                                    ("username", .string(user.username))]))
        }
        return .object([
            ("status", .int(200)),
            ("data", .object([
                ("user", .object([("id", .int(user.id)), ("display", .string(user.username)),
                                  ("has_usable_password", .bool(usable)), ("email", .string(user.email)),
                                  ("username", .string(user.username))])),
                ("methods", .array(methods)),
            ])),
            ("meta", .object([("is_authenticated", .bool(true))])),
        ])
    }

    /// allauth's 401 document: not signed in, and the flows available (password login only here).
    static func unauthenticatedResponse() -> HTTPResponse {
        JSONResponse.make(status: 401, .object([
            ("status", .int(401)),
            ("data", .object([("flows", .array([.object([("id", .string("login"))])]))])),
            ("meta", .object([("is_authenticated", .bool(false))])),
        ]))
    }
}
