import Auth
import HTTP

/// `/media/<path>`: the file is served (sendfile, Range, ETag, by the static file responder on the
/// media root) only to an active user whose role may view a record that owns it.
final class MediaRoute: @unchecked Sendable {
    let files: StaticFileResponder?
    let access: MediaAccess?

    init(files: StaticFileResponder?, access: MediaAccess?) {
        self.files = files
        self.access = access
    }

    /// Where a request stands before the authorization check: answered already, or a file to check.
    private enum Target {
        case answered(HTTPResponse)
        case file(path: String, rawPath: String, files: StaticFileResponder, access: MediaAccess)
    }

    /// The answer when it needs no lookup (503, 405, an undecodable path), else the file asked for.
    private func target(_ request: HTTPRequest) -> Target {
        guard let files, let access else { return .answered(Self.json(503, "Media files are not available on this server.")) }
        guard request.method == .GET || request.method == .HEAD else {
            var response = Self.json(405, "Method \"\(request.method.rawValue)\" not allowed.")
            response.headers.add(name: "Allow", value: "GET, HEAD")
            return .answered(response)
        }
        let rawPath = request.targetPath
        switch StaticPathDecoder.relativePath(rawPath: rawPath, prefix: files.route.prefix) {
        case .success(let path): return .file(path: path, rawPath: rawPath, files: files, access: access)
        case .failure: return .answered(Self.json(404, "Not found."))
        }
    }

    /// The event loop's try: answers only what needs no PostgreSQL or Redis (the file's owners and the
    /// caller's identity both in the local cache); nil sends the request to `respond` on the worker pool.
    func respondFromCache(_ request: HTTPRequest) -> HTTPResponse? {
        switch target(request) {
        case .answered(let response):
            return response
        case .file(let path, let rawPath, let files, let access):
            guard let owners = access.cache.cachedOwners(of: path), !owners.isEmpty,
                  let credential = credential(request),
                  let identity = access.cache.cachedIdentity(credential: credential) else { return nil }
            let decision = MediaDecision.decide(path: path, owners: owners, authentication: .authenticated(identity))
            return answer(decision, request: request, path: path, rawPath: rawPath, files: files)
        }
    }

    /// The whole check, loading owners and identity through Redis/PostgreSQL when the cache lacks them.
    func respond(_ request: HTTPRequest) -> HTTPResponse {
        switch target(request) {
        case .answered(let response):
            return response
        case .file(let path, let rawPath, let files, let access):
            let decision: MediaDecision
            do {
                let owners = try access.cache.owners(of: path) { try access.owners.owners(of: path) }
                let outcome = owners.isEmpty ? AuthOutcome.anonymous : try access.cache.identity(credential: credential(request)) {
                    try access.authenticator.authenticate(authRequest(request))
                }
                decision = MediaDecision.decide(path: path, owners: owners, authentication: outcome)
            } catch {
                return Self.json(503, "The media authorization check failed: the database is unavailable.")
            }
            return answer(decision, request: request, path: path, rawPath: rawPath, files: files)
        }
    }

    /// The response for `decision`: an error, or the file with nosniff (and, except images, as an attachment).
    private func answer(_ decision: MediaDecision, request: HTTPRequest, path: String, rawPath: String,
                        files: StaticFileResponder) -> HTTPResponse {
        switch decision {
        case .notFound: return Self.json(404, "Not found.")
        case .forbidden: return Self.json(403, "You do not have permission to perform this action.")
        case .unauthorized(let detail):
            var response = Self.json(401, detail)
            response.headers.add(name: "WWW-Authenticate", value: "Token")
            return response
        case .serve(let asAttachment):
            var served = files.respond(method: request.method.rawValue, rawPath: rawPath, headers: request.headers)
            if served.status < 300 || served.status == 304 {
                served.headers.add(name: "X-Content-Type-Options", value: "nosniff")
                if asAttachment {
                    served.headers.add(name: "Content-Disposition", value: Self.attachmentDisposition(path))
                }
            }
            return HTTPResponse(served)
        }
    }

    /// What identifies the caller: the Authorization header, else the session cookie.
    private func credential(_ request: HTTPRequest) -> String? {
        if let header = request.headers["Authorization"] { return "header:" + header }
        if let session = request.cookies[Authenticator.sessionCookie] { return "session:" + session }
        return nil
    }

    private func authRequest(_ request: HTTPRequest) -> AuthRequest {
        AuthRequest(method: request.method.rawValue, authorization: request.headers["Authorization"],
                    cookies: request.cookies, host: request.headers["Host"], remoteAddress: request.remoteAddress)
    }

    /// `attachment; filename="name"` with the name made safe for a quoted string.
    static func attachmentDisposition(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? "download"
        let safe = String(name.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F && $0 != "\"" && $0 != "\\" }
            .map(Character.init))
        return "attachment; filename=\"\(safe.isEmpty ? "download" : safe)\""
    }

    static func json(_ status: Int, _ detail: String) -> HTTPResponse {
        var escaped = ""
        for character in detail {
            if character == "\"" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return HTTPResponse(status: status, contentType: "application/json", body: Array("{\"detail\": \"\(escaped)\"}".utf8))
    }
}
