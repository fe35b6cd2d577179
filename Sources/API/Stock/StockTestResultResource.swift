import Glibc
import HTTP
import Postgres

/// `stock/test/`: InvenTree's StockItemTestResultSerializer, filters `stock_item`, `template`, `result`, `user`,
/// `enabled`, `required`; newest first. The signed-in user is recorded on create. A result names its test by
/// `template` or, as older clients do, by `test` (the name, matched by key against the templates of the item's
/// part and the templates it is a variant of); an `attachment` file comes as `multipart/form-data`.
enum StockTestResultResource {
    static let storedFileKey = "\u{0}stored_file"

    static let result: Resource = {
        var resource = Resource(model: "stockitemtestresult", verboseName: "StockItemTestResult", path: "/api/stock/test/",
                                table: "stock_stockitemtestresult", fields: [
            .readOnly("pk", "id", .integer, label: "ID"),
            .column("stock_item", "stock_item_id", StockItemResource.relatedItem, label: "Stock Item", required: true),
            .column("template", "template_id",
                    .related(model: "parttesttemplate", apiURL: "/api/part/test-template/", table: "part_parttesttemplate"),
                    label: "Test template for this result", help: "Template", allowNull: true),
            ResourceField("template_detail", .nested(Expansion(key: "t.template_id") { PartDetailResources.testTemplate }),
                          label: "Template", visibility: .flag("template_detail", default: false)),
            .column("result", "result", .boolean, label: "Result", help: "Test result", default: .bool(false)),
            .column("value", "value", .string(maxLength: 500, allowBlank: true), label: "Value",
                    help: "Test output value", default: .string("")),
            .computed("attachment", .string(maxLength: nil, allowBlank: true),
                      "CASE WHEN coalesce(t.attachment, '') = '' THEN NULL ELSE '/media/' || t.attachment END",
                      label: "Attachment", help: "Test result attachment", allowNull: true),
            .column("notes", "notes", .string(maxLength: 500, allowBlank: true), label: "Notes", help: "Test notes",
                    default: .string("")),
            .column("test_station", "test_station", .string(maxLength: 500, allowBlank: true), label: "Test station",
                    help: "The identifier of the test station where the test was performed", default: .string("")),
            .column("started_datetime", "started_datetime", .datetime, label: "Started", help: "The timestamp of the test start",
                    allowNull: true),
            .column("finished_datetime", "finished_datetime", .datetime, label: "Finished",
                    help: "The timestamp of the test finish", allowNull: true),
            .readOnly("user", "user_id", .integer, label: "User", allowNull: true),
            .readOnly("date", "date", .datetime, label: "Date"),
        ])
        resource.listName = "Stock Item Test Result List"
        resource.detailName = "Stock Item Test Result Detail"
        resource.permissionTable = "stock_stockitemtestresult"
        resource.filters = [
            .related("stock_item", table: "stock_stockitem", condition: "t.stock_item_id = $"),
            .related("template", table: "part_parttesttemplate", condition: "t.template_id = $"),
            .boolean("result", "t.result"),
            .related("user", table: "auth_user", condition: "t.user_id = $"),
            .boolean("enabled", "EXISTS (SELECT 1 FROM part_parttesttemplate m WHERE m.id = t.template_id AND m.enabled)"),
            .boolean("required", "EXISTS (SELECT 1 FROM part_parttesttemplate m WHERE m.id = t.template_id AND m.required)"),
        ]
        resource.search = ["t.value ILIKE $", "t.notes ILIKE $", "t.test_station ILIKE $"]
        resource.ordering = [("date", "t.date"), ("result", "t.result"), ("started_datetime", "t.started_datetime"),
                             ("finished_datetime", "t.finished_datetime")]
        resource.defaultOrdering = "t.date DESC"
        resource.validate = { context in
            if context.existingID == nil {
                context.extraColumns.append(("user_id", String(context.userID), "::integer"))
                try templateFromTestName(&context)
            }
            if case .object(let stored)? = context.given(storedFileKey) {
                context.extraColumns.append(("attachment", Dictionary(uniqueKeysWithValues: stored)["path"]?.stringValue, ""))
            }
            if let started = context.values["started_datetime"] ?? nil, let finished = context.values["finished_datetime"] ?? nil,
               let row = try ResourceSQL.query(context.connection, "SELECT $1::timestamptz > $2::timestamptz", [started, finished]).first,
               try row.decode(0, as: Bool.self) {
                context.errors.add("finished_datetime", "Test finish time cannot be earlier than test start time")
            }
        }
        return resource
    }()

    /// InvenTree's `generateTestKey`: lower case, letters and digits only.
    static func testKey(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) }.map(Character.init))
    }

    /// With no `template`, the `test` name picks the template (creating one when TEST_UPLOAD_CREATE_TEMPLATE is on).
    static func templateFromTestName(_ context: inout WriteContext) throws {
        if let template = context.values["template"] ?? nil, !template.isEmpty { return }
        let name: String? = {
            switch context.given("test") {
            case .string(let text)?: return text.isEmpty ? nil : text
            case .int(let number)?: return String(number)
            default: return nil
            }
        }()
        guard let name else {
            if context.errors.isEmpty { context.errors.add("non_field_errors", "Template ID or test name must be provided") }
            return
        }
        guard let item = context.values["stock_item"] ?? nil else { return }
        let parts = BomResources.ancestors(of: "(SELECT s.part_id FROM stock_stockitem s WHERE s.id = $1::integer)")
        if let row = try ResourceSQL.query(context.connection, """
            SELECT t.id FROM part_parttesttemplate t WHERE t.key = $2 AND t.part_id IN \(parts) ORDER BY t.id LIMIT 1
            """, [item, testKey(name)]).first {
            context.values["template"] = String(try row.decode(0, as: Int.self))
        } else if try GlobalSettings.load(["TEST_UPLOAD_CREATE_TEMPLATE"], from: context.connection)
                    .bool("TEST_UPLOAD_CREATE_TEMPLATE", default: false) {
            let row = try ResourceSQL.query(context.connection, """
                INSERT INTO part_parttesttemplate (part_id, test_name, key, description, required, requires_value,
                    requires_attachment, enabled, choices, metadata)
                SELECT s.part_id, $2, $3, '', true, false, false, true, '', '{}'::jsonb FROM stock_stockitem s WHERE s.id = $1::integer
                RETURNING id
                """, [item, name, testKey(name)])
            if let created = row.first { context.values["template"] = String(try created.decode(0, as: Int.self)) }
        } else {
            context.errors.add("test", "No test template with key '\(testKey(name))' for the part of this stock item")
        }
    }

    /// Multipart creates (a result with its `attachment` file): the form's fields are the body, the file is
    /// written under `stock_files/<item>/`. JSON bodies take the standard path.
    static func createFromForm(_ resource: Resource, _ context: APIContext, _ call: APICall,
                               _ connection: PostgresConnection) throws -> HTTPResponse? {
        guard let form = try MediaUpload.form(call.request, mediaRoot: context.mediaRoot) else { return nil }
        defer { form.removeFiles() }
        var members = MediaUpload.textFields(form)
        var storedPath: String?
        // The file is kept only for an existing item; otherwise the write below reports the item.
        if let file = form.file("attachment"),
           let item = members.first(where: { $0.0 == "stock_item" })?.1.stringValue.flatMap({ Int($0) }),
           try !ResourceSQL.query(connection, "SELECT 1 FROM stock_stockitem WHERE id = $1", [item]).isEmpty {
            do {
                storedPath = try MediaUpload.store(file, directory: "stock_files/\(item)", mediaRoot: context.mediaRoot).path
            } catch {
                context.logger.error("test result attachment: \(error)", ["REQUEST_ID": call.request.requestID])
                throw APIError(status: 500, detail: "The file could not be stored.")
            }
        }
        if let storedPath {
            if let redis = context.redis { _ = try? redis.del("stockroom:media:owner:" + storedPath) }
            members.append((storedFileKey, .object([("path", .string(storedPath))])))
        }
        let id: Int
        do {
            id = try ResourceWriter.write(resource, body: .object(members), existingID: nil, partial: false,
                                          userID: call.user.user.id, connection: connection)
        } catch {
            // a refused result leaves no file behind
            if let storedPath { unlink(context.mediaRoot + "/" + storedPath) }
            throw error
        }
        return try ResourceEndpoints.detail(resource, call, id: id, connection, status: 201)
    }

    static func register(_ router: APIRouter, _ context: APIContext) {
        var results = result
        results.createOverride = { call, _, connection in try createFromForm(results, context, call, connection) }
        ResourceEndpoints.register(router, context, results)
    }
}
