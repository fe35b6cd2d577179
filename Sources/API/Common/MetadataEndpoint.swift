import HTTP
import Postgres

/// `metadata/<model_type>/<pk>/` (InvenTree's MetadataView): `{"metadata": {...}}`; GET reads it (view role of the
/// model), PUT replaces it and PATCH merges into it (change role).
enum MetadataEndpoint {
    /// InvenTree model names and their tables.
    static let tables: [String: String] = [
        "part": "part_part", "partcategory": "part_partcategory", "parttesttemplate": "part_parttesttemplate",
        "bomitem": "part_bomitem", "partrelated": "part_partrelated", "stockitem": "stock_stockitem",
        "stocklocation": "stock_stocklocation", "stocklocationtype": "stock_stocklocationtype",
        "stockitemtestresult": "stock_stockitemtestresult", "stockitemtracking": "stock_stockitemtracking",
        "company": "company_company", "contact": "company_contact", "address": "company_address",
        "manufacturerpart": "company_manufacturerpart", "supplierpart": "company_supplierpart",
        "purchaseorder": "order_purchaseorder", "purchaseorderlineitem": "order_purchaseorderlineitem",
        "salesorder": "order_salesorder", "salesorderlineitem": "order_salesorderlineitem",
        "salesordershipment": "order_salesordershipment", "returnorder": "order_returnorder",
        "returnorderlineitem": "order_returnorderlineitem", "build": "build_build", "buildline": "build_buildline",
        "projectcode": "common_projectcode", "parameter": "common_parameter", "parametertemplate": "common_parametertemplate",
        "attachment": "common_attachment",
    ]

    static func register(_ router: APIRouter, _ context: APIContext) {
        for pattern in ["/api/metadata/:model/:pk/", "/api/metadata/:model/:pk"] {
            router.add(.GET, pattern, .authenticated) { call in try respond(call, context, write: nil) }
            router.add(.PUT, pattern, .authenticated) { call in try respond(call, context, write: .replace) }
            router.add(.PATCH, pattern, .authenticated) { call in try respond(call, context, write: .merge) }
        }
    }

    enum Write { case replace, merge }

    static func respond(_ call: APICall, _ context: APIContext, write: Write?) throws -> HTTPResponse {
        let model = (call.request.pathParameters["model"] ?? "").lowercased()
        guard let table = tables[model] else {
            throw APIError(status: 404, detail: "Model '\(model)' does not support metadata")
        }
        try call.user.permissions.require(table: table, write == nil ? .view : .change)
        guard let id = call.request.primaryKey else { throw APIError.notFound(model) }
        var value: JSONValue?
        if let write {
            let body = try ResourceEndpoints.requestBody(call)
            guard let given = body["metadata"] else {
                if write == .replace { return ValidationErrors("metadata", ValidationErrors.Message.required).response }
                return try read(context, table, id, model)
            }
            guard case .object = given else {
                return ValidationErrors("metadata", "Metadata must be a python dict object").response
            }
            value = given
        }
        if let value, let write {
            let json = PostgresJSON(String(decoding: value.encoded(), as: UTF8.self))
            let sql = write == .replace
                ? "UPDATE \(table) SET metadata = $2::jsonb WHERE id = $1"
                : "UPDATE \(table) SET metadata = coalesce(metadata, '{}'::jsonb) || $2::jsonb WHERE id = $1"
            let updated = try context.pool.withConnection { try ResourceSQL.query($0, sql, [id, json]) }
            guard updated.affectedRows > 0 else { throw APIError.notFound(model) }
        }
        return try read(context, table, id, model)
    }

    static func read(_ context: APIContext, _ table: String, _ id: Int, _ model: String) throws -> HTTPResponse {
        let rows = try context.pool.withConnection {
            try ResourceSQL.query($0, "SELECT coalesce(metadata, '{}'::jsonb)::text FROM \(table) WHERE id = $1", [id])
        }
        guard let row = rows.first else { throw APIError.notFound(model) }
        let text = try row.decode(0, as: String.self)
        return HTTPResponse(status: 200, contentType: "application/json", body: Array("{\"metadata\": \(text)}".utf8))
    }
}
