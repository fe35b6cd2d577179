import Auth
import HTTP

/// `GET /api/user/me/token/?name=`: InvenTree's GetAuthToken. Returns the user's active token of that
/// name, or a new one. API 490 moved it there from `/api/user/token/`, which older clients still call
/// (the Python client picks the path by the server's API version).
enum TokenEndpoint {
    static func register(_ router: APIRouter, _ context: APIContext) {
        for path in ["/api/user/me/token/", "/api/user/token/"] {
            router.get(path, .authenticated) { call in
                let name = APITokenKey.sanitizeName(call.request.query("name") ?? "")
                let token = try context.authenticator.tokens.issue(userID: call.user.user.id, name: name)
                // InvenTree notes where each token was last fetched from.
                let metadata: JSONValue = .object([
                    ("user_agent", .string(call.request.headers["User-Agent"] ?? "")),
                    ("remote_addr", .string(call.client.address)),
                ])
                try context.authenticator.tokens.mergeMetadata(tokenID: token.id,
                                                               json: String(decoding: metadata.encoded(), as: UTF8.self))
                return JSONResponse.make(.object([
                    ("token", .string(token.key)), ("name", .string(token.name)),
                    ("expiry", token.expiry.map(JSONValue.string) ?? .null),
                ]))
            }
        }
    }
}
