import Auth
import HTTP
import Postgres

/// `/api/user/ruleset/` and `/api/user/ruleset/<pk>/` (read): InvenTree's RuleSetSerializer,
/// filtered by `group` and `name`, ordered by `name`.
enum RuleSetEndpoints {
    static func register(_ router: APIRouter, _ context: APIContext) {
        router.get("/api/user/ruleset/", .authenticated) { call in
            var conditions: [String] = []
            var parameters: [PostgresValue?] = []
            if let group = call.request.query("group") {
                guard let id = Int(group) else { throw APIError(status: 400, detail: "group: '\(group)' is not a number") }
                parameters.append(id)
                conditions.append("group_id = $\(parameters.count)")
            }
            if let name = call.request.query("name") {
                guard RuleSet(rawValue: name) != nil else {
                    throw APIError(status: 400, detail: "name: '\(name)' is not one of the rule sets")
                }
                parameters.append(name)
                conditions.append("name = $\(parameters.count)")
            }
            var order = "id"
            switch call.request.query("ordering") {
            case "name": order = "name, id"
            case "-name": order = "name DESC, id"
            default: break
            }
            let whereClause = conditions.isEmpty ? "true" : conditions.joined(separator: " AND ")
            let rows = try context.pool.withConnection { try load($0, where: whereClause, parameters, orderBy: order) }
            return call.list(all: rows)
        }
        router.get("/api/user/ruleset/:pk/", .authenticated) { call in
            guard let pk = call.request.primaryKey else { return APIRoutes.notFound(call.request) }
            guard let row = try context.pool.withConnection({ try load($0, where: "id = $1", [pk], orderBy: "id") }).first else {
                throw APIError.notFound("RuleSet")
            }
            return JSONResponse.make(row)
        }
    }

    static func load(_ connection: PostgresConnection, where whereClause: String, _ parameters: [PostgresValue?],
                     orderBy: String) throws -> [JSONValue] {
        try connection.query("""
            SELECT id, name, group_id, can_view, can_add, can_change, can_delete FROM users_ruleset
            WHERE \(whereClause) ORDER BY \(orderBy)
            """, parameters).map { row in
            let name: String = try row.decode("name")
            return .object([
                ("pk", .int(try row.decode("id"))), ("name", .string(name)),
                ("label", RuleSet(rawValue: name).map { .string($0.label) } ?? .string(name)),
                ("group", .int(try row.decode("group_id"))),
                ("can_view", .bool(try row.decode("can_view"))), ("can_add", .bool(try row.decode("can_add"))),
                ("can_change", .bool(try row.decode("can_change"))), ("can_delete", .bool(try row.decode("can_delete"))),
            ])
        }
    }
}
