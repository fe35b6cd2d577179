import Auth
import HTTP

/// `/api/user/`, `/api/user/<pk>/`, `/api/user/me/` (with `?roles=true`: roles and permissions too)
/// and `/api/user/me/profile/` (read).
enum UserEndpoints {
    static func register(_ router: APIRouter, _ context: APIContext) {
        router.get("/api/user/me/", .authenticated) { call in
            let users = try context.pool.withConnection { try UserRow.load($0, where: "u.id = $1", [call.user.user.id]) }
            guard let user = users.first, case .object(var fields) = user.json(fullProfile: true) else {
                throw APIError.notFound("User")
            }
            if QueryFlag.isSet(call.request.query("roles")) {
                fields.append(("roles", RolesEndpoint.rolesJSON(call.user.permissions)))
                fields.append(("permissions", PermissionDictionary.json(call.user.permissions)))
            }
            return JSONResponse.make(.object(fields))
        }
        router.get("/api/user/me/profile/", .authenticated) { call in
            let users = try context.pool.withConnection { try UserRow.load($0, where: "u.id = $1", [call.user.user.id]) }
            guard let user = users.first else { throw APIError.notFound("User") }
            return JSONResponse.make(.object(user.profile))
        }
        router.get("/api/user/", .authenticated) { call in
            var query = ListQuery(defaultOrder: "u.id")
            query.search(call.request.query("search"), columns: ["u.first_name", "u.last_name", "u.username"])
            try query.boolean("is_staff", call.request.query("is_staff"), column: "u.is_staff")
            try query.boolean("is_active", call.request.query("is_active"), column: "u.is_active")
            try query.boolean("is_superuser", call.request.query("is_superuser"), column: "u.is_superuser")
            query.ordering(call.request.query("ordering"), allowed: [
                "email": "u.email", "username": "u.username", "first_name": "u.first_name", "last_name": "u.last_name",
                "is_staff": "u.is_staff", "is_superuser": "u.is_superuser", "is_active": "u.is_active"])
            let users = try context.pool.withConnection {
                try UserRow.load($0, where: query.whereClause, query.parameters, orderBy: query.order)
            }
            return call.list(all: users.map { $0.json(fullProfile: false) })
        }
        let detail: (APICall) throws -> HTTPResponse = { call in
            guard let pk = call.request.primaryKey else { return APIRoutes.notFound(call.request) }
            let users = try context.pool.withConnection { try UserRow.load($0, where: "u.id = $1", [pk]) }
            guard let user = users.first else { throw APIError.notFound("User") }
            return JSONResponse.make(user.json(fullProfile: false))
        }
        router.get("/api/user/:pk/", .authenticated, detail)
        router.get("/api/user/:pk", .authenticated, detail)
    }
}
