import Auth
import HTTP

/// `GET /api/user/roles/`: InvenTree's RoleDetails (RoleSerializer).
enum RolesEndpoint {
    static func register(_ router: APIRouter, _ context: APIContext) {
        router.get("/api/user/roles/", .authenticated) { call in
            let identity = call.user
            return JSONResponse.make(json(user: identity.user, permissions: identity.permissions))
        }
    }

    static func json(user: UserRecord, permissions: Permissions) -> JSONValue {
        let roles: [(String, JSONValue)] = RuleSet.allCases.map { role in
            let allowed = permissions.allowed(role)
            return (role.rawValue, allowed.isEmpty ? .null : .array(allowed.map { .string($0.rawValue) }))
        }
        return .object([
            ("user", .int(user.id)),
            ("username", .string(user.username)),
            ("roles", .object(roles)),
            ("permissions", PermissionDictionary.json(permissions)),
            ("is_staff", .bool(user.isStaff)),
            ("is_superuser", .bool(user.isSuperuser)),
        ])
    }
}
