import Auth
import HTTP
import Postgres

/// `/api/user/owner/` and `/api/user/owner/<pk>/`: InvenTree's OwnerSerializer (a user or a group).
enum OwnerEndpoints {
    static func register(_ router: APIRouter, _ context: APIContext) {
        router.get("/api/user/owner/", .authenticated) { call in
            let activeFilter: Bool?
            switch call.request.query("is_active")?.lowercased() {
            case nil: activeFilter = nil
            case "true", "1", "yes", "on": activeFilter = true
            case "false", "0", "no", "off": activeFilter = false
            case let other?: throw APIError(status: 400, detail: "is_active: '\(other)' is not a boolean (true or false)")
            }
            let words = (call.request.query("search") ?? "").lowercased().split(separator: " ").map(String.init)
            let owners = try context.pool.withConnection { try load($0) }.filter { owner in
                let name = owner.name.lowercased()
                guard words.allSatisfy({ name.contains($0) }) else { return false }
                if let activeFilter, owner.isUser, owner.isActive != activeFilter { return false }
                return true
            }
            return call.list(all: owners.map(\.json))
        }
        router.get("/api/user/owner/:pk/", .authenticated) { call in
            guard let pk = call.request.primaryKey else { return APIRoutes.notFound(call.request) }
            guard let owner = try context.pool.withConnection({ try load($0, id: pk) }).first else {
                throw APIError.notFound("Owner")
            }
            return JSONResponse.make(owner.json)
        }
    }

    struct Owner {
        let id: Int
        let ownerID: Int
        let isUser: Bool
        let name: String
        let isActive: Bool

        var json: JSONValue {
            .object([("pk", .int(id)), ("owner_id", .int(ownerID)), ("owner_model", .string(isUser ? "user" : "group")),
                     ("name", .string(name)), ("label", .string(isUser ? "user" : "group"))])
        }
    }

    /// Owners with their display names: a user's full name when the DISPLAY_FULL_NAMES setting is on
    /// and the user has one, else the username (InvenTree's `User.__str__`); a group's name.
    static func load(_ connection: PostgresConnection, id: Int? = nil) throws -> [Owner] {
        let fullNames = try GlobalSettings.load(["DISPLAY_FULL_NAMES"], from: connection).bool("DISPLAY_FULL_NAMES", default: false)
        let rows = try connection.query("""
            SELECT o.id, o.user_id, o.group_id, u.username, u.first_name, u.last_name, u.is_active, g.name AS group_name
            FROM users_owner o LEFT JOIN auth_user u ON u.id = o.user_id LEFT JOIN auth_group g ON g.id = o.group_id
            WHERE $1::int IS NULL OR o.id = $1 ORDER BY o.id
            """, [id])
        return try rows.map { row in
            if let userID = try row.decode("user_id", as: Int?.self) {
                let first: String = try row.decode("first_name"), last: String = try row.decode("last_name")
                let name = fullNames && !(first.isEmpty && last.isEmpty) ? "\(first) \(last)" : try row.decode("username")
                return Owner(id: try row.decode("id"), ownerID: userID, isUser: true, name: name,
                             isActive: try row.decode("is_active"))
            }
            return Owner(id: try row.decode("id"), ownerID: try row.decode("group_id"), isUser: false,
                         name: try row.decode("group_name"), isActive: true)
        }
    }
}
