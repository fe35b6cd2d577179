import Auth
import HTTP

/// `GET /api/user/token/?name=`: InvenTree's GetAuthToken. Returns the user's active token of that
/// name, or a new one; the key is shown whenever it is asked for, as InvenTree 1.x does.
enum TokenEndpoint {
    static func register(_ router: APIRouter, _ context: APIContext) {
        router.get("/api/user/token/", .authenticated) { call in
            let name = APITokenKey.sanitizeName(call.request.query("name") ?? "")
            let token = try context.authenticator.tokens.issue(userID: call.user.user.id, name: name)
            return JSONResponse.make(.object([
                ("token", .string(token.key)), ("name", .string(token.name)),
                ("expiry", token.expiry.map(JSONValue.string) ?? .null),
            ]))
        }
    }
}
