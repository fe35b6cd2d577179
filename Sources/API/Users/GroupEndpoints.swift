import Auth
import HTTP
import Postgres

/// `/api/user/group/` and `/api/user/group/<pk>/` (read): InvenTree's GroupSerializer, with its
/// optional `permission_detail`, `role_detail` and `user_detail` parts.
enum GroupEndpoints {
    struct Options {
        let permissions: Bool
        let roles: Bool
        let users: Bool

        init(_ request: HTTPRequest) {
            func flag(_ name: String) -> Bool { QueryFlag.isSet(request.query(name)) }
            permissions = flag("permission_detail")
            roles = flag("role_detail")
            users = flag("user_detail")
        }
    }

    static func register(_ router: APIRouter, _ context: APIContext) {
        router.get("/api/user/group/", .authenticated) { call in
            var query = ListQuery(defaultOrder: "g.id")
            query.search(call.request.query("search"), columns: ["g.name"])
            query.ordering(call.request.query("ordering"), allowed: ["name": "g.name"])
            let groups = try context.pool.withConnection {
                try load($0, where: query.whereClause, query.parameters, orderBy: query.order, Options(call.request))
            }
            return call.list(all: groups)
        }
        let detail: (APICall) throws -> HTTPResponse = { call in
            guard let pk = call.request.primaryKey else { return APIRoutes.notFound(call.request) }
            let groups = try context.pool.withConnection { try load($0, where: "g.id = $1", [pk], orderBy: "g.id", Options(call.request)) }
            guard let group = groups.first else { throw APIError.notFound("Group") }
            return JSONResponse.make(group)
        }
        router.get("/api/user/group/:pk/", .authenticated, detail)
        router.get("/api/user/group/:pk", .authenticated, detail)
    }

    static func load(_ connection: PostgresConnection, where whereClause: String, _ parameters: [PostgresValue?],
                     orderBy: String, _ options: Options) throws -> [JSONValue] {
        let groups = try connection.query("SELECT g.id, g.name FROM auth_group g WHERE \(whereClause) ORDER BY \(orderBy)", parameters)
            .map { (try $0.decode("id", as: Int.self), try $0.decode("name", as: String.self)) }
        var ruleSets: [Int: [(id: Int, role: RuleSet, flags: [Bool])]] = [:]
        if options.permissions || options.roles {
            for row in try connection.query("""
                SELECT id, name, group_id, can_view, can_add, can_change, can_delete FROM users_ruleset ORDER BY id
                """) {
                guard let role = RuleSet(rawValue: try row.decode("name")) else { continue }
                let flags = [try row.decode("can_view", as: Bool.self), try row.decode("can_add", as: Bool.self),
                             try row.decode("can_change", as: Bool.self), try row.decode("can_delete", as: Bool.self)]
                ruleSets[try row.decode("group_id"), default: []].append((try row.decode("id"), role, flags))
            }
        }
        var members: [Int: [UserRow]] = [:]
        if options.users {
            for user in try UserRow.load(connection, where: "u.id IN (SELECT user_id FROM auth_user_groups)") {
                for (groupID, _) in user.groups { members[groupID, default: []].append(user) }
            }
        }
        return groups.map { id, name in
            var fields: [(String, JSONValue)] = [("pk", .int(id)), ("name", .string(name))]
            let sets = ruleSets[id] ?? []
            if options.permissions {
                var grants = RoleGrants()
                for set in sets {
                    grants.grant(set.role, view: set.flags[0], add: set.flags[1], change: set.flags[2], delete: set.flags[3])
                }
                fields.append(("permissions", PermissionDictionary.json(
                    Permissions(isActive: true, isSuperuser: false, isStaff: false, grants: grants))))
            }
            if options.roles {
                fields.append(("roles", .array(sets.map { set in
                    .object([("pk", .int(set.id)), ("name", .string(set.role.rawValue)), ("label", .string(set.role.label)),
                             ("group", .int(id)), ("can_view", .bool(set.flags[0])), ("can_add", .bool(set.flags[1])),
                             ("can_change", .bool(set.flags[2])), ("can_delete", .bool(set.flags[3]))])
                })))
            }
            if options.users {
                fields.append(("users", .array((members[id] ?? []).map(\.briefJSON))))
            }
            return .object(fields)
        }
    }
}
