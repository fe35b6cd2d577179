import HTTP
import Postgres

/// `barcode/`, `barcode/link/` and `barcode/unlink/` with InvenTree's built-in barcode plugin: internal JSON
/// barcodes (`{"part": 12}`), short barcodes (`INV-PA12`), and third-party barcodes linked to a record by the
/// MD5 hash of their printable text (InvenTree's `hash_barcode`).
enum BarcodeEndpoints {
    struct Model {
        let label: String
        let table: String
        let code: String
        let apiPath: String
        let webPath: String
    }

    /// InvenTree's barcode models, in the order its plugin tries them.
    static let models: [Model] = [
        Model(label: "build", table: "build_build", code: "BO", apiPath: "/api/build/", webPath: "/web/manufacturing/build-order/"),
        Model(label: "part", table: "part_part", code: "PA", apiPath: "/api/part/", webPath: "/web/part/"),
        Model(label: "stockitem", table: "stock_stockitem", code: "SI", apiPath: "/api/stock/", webPath: "/web/stock/item/"),
        Model(label: "stocklocation", table: "stock_stocklocation", code: "SL", apiPath: "/api/stock/location/", webPath: "/web/stock/location/"),
        Model(label: "supplierpart", table: "company_supplierpart", code: "SP", apiPath: "/api/company/part/",
              webPath: "/web/purchasing/supplier-part/"),
        Model(label: "purchaseorder", table: "order_purchaseorder", code: "PO", apiPath: "/api/order/po/",
              webPath: "/web/purchasing/purchase-order/"),
        Model(label: "salesorder", table: "order_salesorder", code: "SO", apiPath: "/api/order/so/", webPath: "/web/sales/sales-order/"),
        Model(label: "returnorder", table: "order_returnorder", code: "RO", apiPath: "/api/order/ro/", webPath: "/web/sales/return-order/"),
    ]
    static let plugin = "InvenTreeBarcode"
    static let shortPrefix = "INV-"

    static func register(_ router: APIRouter, _ context: APIContext) {
        for (path, handler) in [("/api/barcode/", scan), ("/api/barcode/link/", link), ("/api/barcode/unlink/", unlink)]
            as [(String, (APICall, APIContext) throws -> HTTPResponse)] {
            for pattern in [path, String(path.dropLast())] {
                router.add(.POST, pattern, .authenticated) { call in
                    do {
                        return try handler(call, context)
                    } catch let errors as ValidationErrors {
                        return errors.response
                    }
                }
            }
        }
    }

    /// InvenTree's `remove_non_printable_characters` then strip: what the hash is computed over.
    static func printable(_ data: String) -> String {
        var text = data.trimmingWhitespaceForAPI()
        text = String(String.UnicodeScalarView(text.unicodeScalars.filter { scalar in
            switch scalar.properties.generalCategory {
            case .control, .format, .privateUse, .surrogate, .unassigned: return false
            default: return true
            }
        }))
        return text
    }

    /// `hash_barcode`: the MD5 hex digest of the printable text (computed by PostgreSQL's md5()).
    static func hash(_ data: String, _ connection: PostgresConnection) throws -> String {
        try ResourceSQL.query(connection, "SELECT md5($1::text)", [printable(data)]).singleRow().decode(0, as: String.self)
    }

    /// The record a barcode names or is linked to, as InvenTree's plugin finds it.
    static func match(_ data: String, _ connection: PostgresConnection) throws -> (Model, Int)? {
        if data.hasPrefix(shortPrefix) {
            let rest = data.dropFirst(shortPrefix.count)
            if rest.count > 2, let pk = Int(rest.dropFirst(2)), let model = models.first(where: { $0.code == String(rest.prefix(2)) }),
               try exists(model, pk, connection) {
                return (model, pk)
            }
        }
        if let parsed = try? JSONValue.parse(Array(data.utf8)), case .object = parsed {
            for model in models {
                guard let value = parsed[model.label] else { continue }
                let pk = ResourceWriter.integer(value) ?? value.stringValue.flatMap { Int($0) }
                if let pk, try exists(model, pk, connection) { return (model, pk) }
            }
        }
        let digest = try hash(data, connection)
        for model in models {
            if let row = try ResourceSQL.query(connection, "SELECT id FROM \(model.table) WHERE barcode_hash = $1 ORDER BY id LIMIT 1",
                                               [digest]).first {
                return (model, try row.decode(0, as: Int.self))
            }
        }
        return nil
    }

    static func exists(_ model: Model, _ pk: Int, _ connection: PostgresConnection) throws -> Bool {
        try !ResourceSQL.query(connection, "SELECT 1 FROM \(model.table) WHERE id = $1", [pk]).isEmpty
    }

    static func matched(_ model: Model, _ pk: Int) -> JSONValue {
        .object([("pk", .int(pk)), ("api_url", .string("\(model.apiPath)\(pk)/")), ("web_url", .string("\(model.webPath)\(pk)"))])
    }

    static func barcode(_ body: JSONValue) throws -> String {
        guard let value = body["barcode"] else { throw ValidationErrors("barcode", ValidationErrors.Message.required) }
        guard let text = value.stringValue else { throw ValidationErrors("barcode", ValidationErrors.Message.string) }
        guard !text.isEmpty else { throw ValidationErrors("barcode", ValidationErrors.Message.blank) }
        guard text.count <= 4095 else { throw ValidationErrors("barcode", ValidationErrors.Message.maxLength(4095)) }
        return text
    }

    static func scan(_ call: APICall, _ context: APIContext) throws -> HTTPResponse {
        let data = try barcode(try ResourceEndpoints.requestBody(call))
        return try context.pool.withConnection { connection in
            let digest = try hash(data, connection)
            guard let (model, pk) = try match(data, connection) else {
                return JSONResponse.make(status: 400, .object([
                    ("error", .string("No match found for barcode data")), ("plugin", .null),
                    ("barcode_data", .string(data)), ("barcode_hash", .string(digest)),
                ]))
            }
            return JSONResponse.make(.object([
                (model.label, matched(model, pk)), ("success", .string("Match found for barcode data")), ("plugin", .string(plugin)),
                ("barcode_data", .string(data)), ("barcode_hash", .string(digest)),
            ]))
        }
    }

    /// The one model named in the body (`{"part": 12}`), checked to exist and to be changeable by the user.
    static func target(_ body: JSONValue, _ call: APICall, _ connection: PostgresConnection) throws -> (Model, Int) {
        let named = models.filter { body[$0.label] != nil && body[$0.label] != .null }
        guard let model = named.first else {
            throw ValidationErrors("non_field_errors", "Missing data: provide one of '\(models.map(\.label).joined(separator: "', '"))'")
        }
        guard let value = body[model.label], let pk = ResourceWriter.integer(value) else {
            throw ValidationErrors(model.label, ValidationErrors.Message.pkType(ResourceWriter.typeName(body[model.label] ?? .null)))
        }
        guard try exists(model, pk, connection) else {
            throw ValidationErrors(model.label, ValidationErrors.Message.missingObject(String(pk)))
        }
        try call.user.permissions.require(table: model.table, .change)
        return (model, pk)
    }

    static func link(_ call: APICall, _ context: APIContext) throws -> HTTPResponse {
        let body = try ResourceEndpoints.requestBody(call)
        let data = try barcode(body)
        return try context.pool.transaction { connection in
            let digest = try hash(data, connection)
            if let (model, pk) = try match(data, connection) {
                return JSONResponse.make(status: 400, .object([
                    (model.label, matched(model, pk)), ("error", .string("Barcode matches existing item")), ("plugin", .string(plugin)),
                    ("barcode_data", .string(data)), ("barcode_hash", .string(digest)),
                ]))
            }
            let (model, pk) = try target(body, call, connection)
            try ResourceSQL.query(connection, "UPDATE \(model.table) SET barcode_data = $2, barcode_hash = $3 WHERE id = $1",
                                  [pk, data, digest])
            return JSONResponse.make(.object([
                (model.label, matched(model, pk)), ("success", .string("Assigned barcode to \(model.label) instance")),
                ("barcode_data", .string(data)), ("barcode_hash", .string(digest)),
            ]))
        }
    }

    static func unlink(_ call: APICall, _ context: APIContext) throws -> HTTPResponse {
        let body = try ResourceEndpoints.requestBody(call)
        return try context.pool.transaction { connection in
            let (model, pk) = try target(body, call, connection)
            try ResourceSQL.query(connection, "UPDATE \(model.table) SET barcode_data = '', barcode_hash = '' WHERE id = $1", [pk])
            return JSONResponse.make(.object([
                (model.label, matched(model, pk)), ("success", .string("Barcode unlinked from \(model.label) instance")),
            ]))
        }
    }
}
