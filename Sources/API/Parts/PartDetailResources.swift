import Postgres

/// The smaller part resources: `part/test-template/`, `part/related/`, `part/internal-price/`, `part/sale-price/`,
/// and the brief part shape other resources expand (`part_detail`).
enum PartDetailResources {
    /// InvenTree's PartBriefSerializer.
    static let brief: Resource = {
        var resource = Resource(model: "part", verboseName: "Part", path: "/api/part/", table: "part_part", fields: [
            .readOnly("pk", "id", .integer, label: "ID"),
            .readOnly("IPN", "ipn", .string(maxLength: 100, allowBlank: true), label: "IPN", allowNull: true),
            .readOnly("barcode_hash", "barcode_hash", .string(maxLength: 128, allowBlank: true), label: "Barcode Hash"),
            .computed("category_default_location", .integer, PartSQL.categoryDefaultLocation, label: "Category default location"),
            .readOnly("default_location", "default_location_id", .integer, label: "Default Location", allowNull: true),
            .readOnly("name", "name", .string(maxLength: 100, allowBlank: false), label: "Name"),
            .readOnly("revision", "revision", .string(maxLength: 100, allowBlank: true), label: "Revision", allowNull: true),
            .computed("full_name", .string(maxLength: nil, allowBlank: true), PartSQL.fullName, label: "Full name"),
            .readOnly("description", "description", .string(maxLength: 250, allowBlank: true), label: "Description"),
            .computed("image", .string(maxLength: nil, allowBlank: true), PartSQL.image, label: "Image"),
            .computed("thumbnail", .string(maxLength: nil, allowBlank: true), PartSQL.thumbnail, label: "Thumbnail"),
            .readOnly("active", "active", .boolean, label: "Active"),
            .readOnly("assembly", "assembly", .boolean, label: "Assembly"),
            .readOnly("is_template", "is_template", .boolean, label: "Is Template"),
            .readOnly("purchaseable", "purchaseable", .boolean, label: "Purchaseable"),
            .readOnly("salable", "salable", .boolean, label: "Salable"),
            .readOnly("trackable", "trackable", .boolean, label: "Trackable"),
            .readOnly("virtual", "virtual", .boolean, label: "Virtual"),
            .readOnly("units", "units", .string(maxLength: 20, allowBlank: true), label: "Units", allowNull: true),
            .computed("pricing_min", .decimal(places: 6), "NULL::numeric", label: "Minimum Cost"),
            .computed("pricing_max", .decimal(places: 6), "NULL::numeric", label: "Maximum Cost"),
        ])
        resource.allowCreate = false
        return resource
    }()

    static let part = FieldKind.related(model: "part", apiURL: "/api/part/", table: "part_part")

    /// InvenTree's test key: the name in lower case with everything but letters, digits and `_` removed.
    static func testKey(_ name: String) -> String {
        String(name.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "_" })
    }

    static let testTemplate: Resource = {
        var resource = Resource(model: "parttesttemplate", verboseName: "PartTestTemplate", path: "/api/part/test-template/",
                                table: "part_parttesttemplate", fields: [
            .readOnly("pk", "id", .integer, label: "ID"),
            .readOnly("key", "key", .string(maxLength: 100, allowBlank: true), label: "Key"),
            .column("part", "part_id", part, label: "Part", required: true),
            .column("test_name", "test_name", .string(maxLength: 100, allowBlank: false), label: "Test Name",
                    help: "Enter a name for the test", required: true),
            .column("description", "description", .string(maxLength: 100, allowBlank: true), label: "Test Description",
                    help: "Enter description for this test", allowNull: true),
            .column("enabled", "enabled", .boolean, label: "Enabled", help: "Is this test enabled?", default: .bool(true)),
            .column("required", "required", .boolean, label: "Required", help: "Is this test required to pass?", default: .bool(true)),
            .column("requires_value", "requires_value", .boolean, label: "Requires Value",
                    help: "Does this test require a value when adding a test result?", default: .bool(false)),
            .column("requires_attachment", "requires_attachment", .boolean, label: "Requires Attachment",
                    help: "Does this test require a file attachment when adding a test result?", default: .bool(false)),
            .computed("results", .integer, "(SELECT count(*) FROM stock_stockitemtestresult r WHERE r.template_id = t.id)",
                      label: "Results", help: "Number of results recorded against this template"),
            .column("choices", "choices", .string(maxLength: 5000, allowBlank: true), label: "Choices",
                    help: "Valid choices for this test (comma-separated)", default: .string("")),
        ])
        resource.listName = "Test Template List"
        resource.detailName = "Test Template Detail"
        resource.permissionTable = "part_parttesttemplate"
        resource.filters = [
            // A part's templates include those of the templates it is a variant of.
            .related("part", table: "part_part", condition: """
                t.part_id IN (WITH RECURSIVE up(id, parent) AS (SELECT id, variant_of_id FROM part_part WHERE id = $ \
                UNION ALL SELECT p.id, p.variant_of_id FROM part_part p JOIN up ON p.id = up.parent) SELECT id FROM up)
                """),
            .boolean("enabled", "t.enabled"), .boolean("required", "t.required"),
            .boolean("requires_value", "t.requires_value"), .boolean("requires_attachment", "t.requires_attachment"),
            .exact("key", "t.key"),
            .boolean("has_results", "EXISTS (SELECT 1 FROM stock_stockitemtestresult r WHERE r.template_id = t.id)"),
        ]
        resource.search = ["t.test_name ILIKE $", "t.description ILIKE $"]
        resource.ordering = [("test_name", "t.test_name"), ("required", "t.required"), ("requires_value", "t.requires_value"),
                             ("requires_attachment", "t.requires_attachment"),
                             ("results", "(SELECT count(*) FROM stock_stockitemtestresult r WHERE r.template_id = t.id)")]
        resource.defaultOrdering = "t.test_name"
        resource.validate = { context in
            var partID = context.values["part"] ?? nil
            var name = context.values["test_name"] ?? nil
            if let id = context.existingID, partID == nil || name == nil {
                let row = try ResourceSQL.query(context.connection, "SELECT part_id, test_name FROM part_parttesttemplate WHERE id = $1",
                                                [id]).singleRow()
                let storedPart = String(try row.decode(0, as: Int.self))
                let storedName = try row.decode(1, as: String.self)
                partID = partID ?? storedPart
                name = name ?? storedName
            }
            guard let partID, let name else { return }
            if try ResourceSQL.query(context.connection, "SELECT 1 FROM part_part WHERE id = $1::integer AND testable",
                                     [partID]).isEmpty {
                context.errors.add("part", "Test templates can only be created for testable parts")
                return
            }
            let key = testKey(name)
            if key.isEmpty { context.errors.add("test_name", "Invalid template name - must include at least one alphanumeric character") }
            if try !ResourceSQL.query(context.connection, """
                SELECT 1 FROM part_parttesttemplate WHERE key = $1 AND part_id = $2::integer AND id IS DISTINCT FROM $3::integer
                """, [key, partID, context.existingID]).isEmpty {
                context.errors.add("key", "Test template with the same key already exists for part")
            }
            context.extraColumns.append(("key", key, ""))
        }
        return resource
    }()

    static let related: Resource = {
        var resource = Resource(model: "partrelated", verboseName: "PartRelated", path: "/api/part/related/",
                                table: "part_partrelated", fields: [
            .readOnly("pk", "id", .integer, label: "ID"),
            .column("part_1", "part_1_id", part, label: "Part 1", required: true),
            ResourceField("part_1_detail", .nested(Expansion(key: "t.part_1_id") { brief }), label: "Part 1"),
            .column("part_2", "part_2_id", part, label: "Part 2", help: "Select Related Part", required: true),
            ResourceField("part_2_detail", .nested(Expansion(key: "t.part_2_id") { brief }), label: "Part 2"),
            .column("note", "note", .string(maxLength: 500, allowBlank: true), label: "Note",
                    help: "Note for this relationship", default: .string("")),
        ])
        resource.listName = "Part Related List"
        resource.detailName = "Part Related Detail"
        resource.filters = [
            .related("part", table: "part_part", condition: "(t.part_1_id = $ OR t.part_2_id = $)"),
            .related("part_1", table: "part_part", condition: "t.part_1_id = $"),
            .related("part_2", table: "part_part", condition: "t.part_2_id = $"),
        ]
        resource.ordering = [("part_1", "t.part_1_id"), ("part_2", "t.part_2_id")]
        resource.validate = { context in
            guard let first = context.values["part_1"] ?? nil, let second = context.values["part_2"] ?? nil else { return }
            if first == second {
                context.errors.add("non_field_errors", "Part cannot be related to itself")
            } else if try !ResourceSQL.query(context.connection, """
                SELECT 1 FROM part_partrelated WHERE ((part_1_id = $1::integer AND part_2_id = $2::integer)
                    OR (part_1_id = $2::integer AND part_2_id = $1::integer)) AND id IS DISTINCT FROM $3::integer
                """, [first, second, context.existingID]).isEmpty {
                context.errors.add("non_field_errors", "Duplicate relationship already exists")
            }
        }
        return resource
    }()

    static func priceBreak(model: String, verboseName: String, path: String, table: String, listName: String) -> Resource {
        var resource = Resource(model: model, verboseName: verboseName, path: path, table: table, fields: [
            .readOnly("pk", "id", .integer, label: "ID"),
            .column("part", "part_id", part, label: "Part", required: true),
            .column("quantity", "quantity", .float, label: "Quantity", help: "Price break quantity", default: .int(1)),
            .column("price", "price", .decimal(places: 6), label: "Price", help: "Unit price at specified quantity",
                    required: true, allowNull: true),
            .column("price_currency", "price_currency", .string(maxLength: 3, allowBlank: false), label: "Currency",
                    help: "Select currency from available options", default: .string("USD")),
        ])
        resource.listName = listName + " List"
        resource.detailName = listName + " Detail"
        resource.filters = [.related("part", table: "part_part", condition: "t.part_id = $")]
        resource.ordering = [("quantity", "t.quantity"), ("price", "t.price")]
        resource.defaultOrdering = "t.quantity"
        resource.validate = { context in
            if context.existingID == nil && context.values["price_currency"] == nil {
                context.extraColumns.append(("price_currency", "USD", ""))
            }
        }
        return resource
    }

    static let internalPrice = priceBreak(model: "partinternalpricebreak", verboseName: "PartInternalPriceBreak",
                                          path: "/api/part/internal-price/", table: "part_partinternalpricebreak",
                                          listName: "Part Internal Price")
    static let salePrice = priceBreak(model: "partsellpricebreak", verboseName: "PartSellPriceBreak",
                                      path: "/api/part/sale-price/", table: "part_partsellpricebreak", listName: "Part Sale Price")
}
