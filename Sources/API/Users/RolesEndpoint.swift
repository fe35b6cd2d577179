import Auth
import HTTP

/// `GET /api/user/me/roles/`: InvenTree's RoleDetails (RoleSerializer). API 490 moved it there from
/// `/api/user/roles/`, which older clients still call and which answers the same.
enum RolesEndpoint {
    static func register(_ router: APIRouter, _ context: APIContext) {
        for path in ["/api/user/me/roles/", "/api/user/roles/"] {
            router.get(path, .authenticated) { call in
                let identity = call.user
                return JSONResponse.make(json(user: identity.user, permissions: identity.permissions))
            }
        }
    }

    /// `{role: [actions] or null}` in InvenTree's role order.
    static func rolesJSON(_ permissions: Permissions) -> JSONValue {
        .object(RuleSet.allCases.map { role in
            let allowed = permissions.allowed(role)
            return (role.rawValue, allowed.isEmpty ? .null : .array(allowed.map { .string($0.rawValue) }))
        })
    }

    static func json(user: UserRecord, permissions: Permissions) -> JSONValue {
        .object([
            ("user", .int(user.id)),
            ("username", .string(user.username)),
            ("roles", rolesJSON(permissions)),
            ("permissions", PermissionDictionary.json(permissions)),
            ("is_staff", .bool(user.isStaff)),
            ("is_superuser", .bool(user.isSuperuser)),
        ])
    }
}
