/// `stock/test/`: InvenTree's StockItemTestResultSerializer, filters `stock_item`, `template`, `result`, `user`,
/// `enabled`, `required`; newest first. The signed-in user is recorded on create.
enum StockTestResultResource {
    static let result: Resource = {
        var resource = Resource(model: "stockitemtestresult", verboseName: "StockItemTestResult", path: "/api/stock/test/",
                                table: "stock_stockitemtestresult", fields: [
            .readOnly("pk", "id", .integer, label: "ID"),
            .column("stock_item", "stock_item_id", StockItemResource.relatedItem, label: "Stock Item", required: true),
            .column("template", "template_id",
                    .related(model: "parttesttemplate", apiURL: "/api/part/test-template/", table: "part_parttesttemplate"),
                    label: "Test template for this result", help: "Template", required: true),
            ResourceField("template_detail", .nested(Expansion(key: "t.template_id") { PartDetailResources.testTemplate }),
                          label: "Template", visibility: .flag("template_detail", default: false)),
            .column("result", "result", .boolean, label: "Result", help: "Test result", default: .bool(false)),
            .column("value", "value", .string(maxLength: 500, allowBlank: true), label: "Value",
                    help: "Test output value", default: .string("")),
            .readOnly("attachment", "attachment", .string(maxLength: nil, allowBlank: true), label: "Attachment",
                      help: "Test result attachment", allowNull: true),
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
            if context.existingID == nil { context.extraColumns.append(("user_id", String(context.userID), "::integer")) }
            if let started = context.values["started_datetime"] ?? nil, let finished = context.values["finished_datetime"] ?? nil,
               let row = try ResourceSQL.query(context.connection, "SELECT $1::timestamptz > $2::timestamptz", [started, finished]).first,
               try row.decode(0, as: Bool.self) {
                context.errors.add("finished_datetime", "Test finish time cannot be earlier than test start time")
            }
        }
        return resource
    }()
}
