import Postgres

/// `bom/` and `bom/substitute/`: InvenTree's BomItemSerializer (with the stock figures of the sub part) and
/// BomItemSubstituteSerializer.
enum BomResources {
    static let part = FieldKind.related(model: "part", apiURL: "/api/part/", table: "part_part")
    /// The sub part's stock minus what is allocated to builds and sales orders.
    static let availableStock = """
        (SELECT coalesce(sum(s.quantity), 0) FROM stock_stockitem s WHERE s.part_id = t.sub_part_id AND \(PartSQL.inStockCondition)) \
        - (SELECT coalesce(sum(bi.quantity), 0) FROM build_builditem bi JOIN stock_stockitem s ON s.id = bi.stock_item_id \
           JOIN build_buildline bl ON bl.id = bi.build_line_id JOIN build_build b ON b.id = bl.build_id \
           WHERE s.part_id = t.sub_part_id AND \(PartSQL.activeBuild)) \
        - (SELECT coalesce(sum(a.quantity), 0) FROM order_salesorderallocation a JOIN stock_stockitem s ON s.id = a.item_id \
           JOIN order_salesorderlineitem li ON li.id = a.line_id JOIN order_salesorder o ON o.id = li.order_id \
           WHERE s.part_id = t.sub_part_id AND o.status IN (10, 15, 25))
        """
    static let substituteStock = """
        (SELECT coalesce(sum(s.quantity), 0) FROM stock_stockitem s JOIN part_bomitemsubstitute sub ON sub.part_id = s.part_id \
         WHERE sub.bom_item_id = t.id AND \(PartSQL.inStockCondition))
        """
    static let variantStock = """
        CASE WHEN t.allow_variants THEN (SELECT coalesce(sum(s.quantity), 0) FROM stock_stockitem s \
        WHERE s.part_id IN \(PartSQL.variants(of: "t.sub_part_id")) AND \(PartSQL.inStockCondition)) ELSE 0 END
        """
    /// A part and every template it is a variant of (InvenTree's BOM inheritance).
    static func ancestors(of part: String) -> String {
        """
        (WITH RECURSIVE up(id, parent) AS (SELECT id, variant_of_id FROM part_part WHERE id = \(part) \
        UNION ALL SELECT p.id, p.variant_of_id FROM part_part p JOIN up ON p.id = up.parent) SELECT id FROM up)
        """
    }

    static let substitute: Resource = {
        var resource = Resource(model: "bomitemsubstitute", verboseName: "BomItemSubstitute", path: "/api/bom/substitute/",
                                table: "part_bomitemsubstitute", fields: [
            .readOnly("pk", "id", .integer, label: "ID"),
            .column("bom_item", "bom_item_id", .related(model: "bomitem", apiURL: "/api/bom/", table: "part_bomitem"),
                    label: "BOM Item", help: "Parent BOM item", required: true),
            .column("part", "part_id", part, label: "Part", help: "Substitute part", required: true),
            ResourceField("part_detail", .nested(Expansion(key: "t.part_id") { PartDetailResources.brief }), label: "Part"),
        ])
        resource.listName = "Bom Item Substitute List"
        resource.detailName = "Bom Item Substitute Detail"
        resource.filters = [
            .related("bom_item", table: "part_bomitem", condition: "t.bom_item_id = $"),
            .related("part", table: "part_part", condition: "t.part_id = $"),
        ]
        resource.validate = { context in
            guard let item = context.values["bom_item"] ?? nil, let part = context.values["part"] ?? nil else { return }
            if try !ResourceSQL.query(context.connection, "SELECT 1 FROM part_bomitem WHERE id = $1::integer AND sub_part_id = $2::integer",
                                      [item, part]).isEmpty {
                context.errors.add("part", "Substitute part cannot be the same as the master part")
            }
        }
        return resource
    }()

    static let item: Resource = {
        var resource = Resource(model: "bomitem", verboseName: "BomItem", path: "/api/bom/", table: "part_bomitem", fields: [
            .readOnly("pk", "id", .integer, label: "ID"),
            .column("part", "part_id", .related(model: "part", apiURL: "/api/part/", table: "(SELECT id FROM part_part WHERE assembly) assemblies"),
                    label: "Assembly", help: "Select the parent assembly", required: true),
            ResourceField("part_detail", .nested(Expansion(key: "t.part_id") { PartDetailResources.brief }), label: "Assembly",
                          visibility: .flag("part_detail", default: false)),
            .column("sub_part", "sub_part_id", .related(model: "part", apiURL: "/api/part/", table: "(SELECT id FROM part_part WHERE component) components"),
                    label: "Component", help: "Select the component part", required: true),
            ResourceField("sub_part_detail", .nested(Expansion(key: "t.sub_part_id") { PartDetailResources.brief }), label: "Component",
                          visibility: .flag("sub_part_detail", default: true)),
            .column("reference", "reference", .string(maxLength: 5000, allowBlank: true), label: "Reference",
                    help: "BOM item reference", default: .string("")),
            .column("quantity", "quantity", .float, label: "Quantity", help: "BOM quantity for this BOM item", required: true),
            .column("setup_quantity", "setup_quantity", .float, label: "Setup Quantity",
                    help: "Extra required quantity for a build, to account for setup losses", default: .int(0)),
            .column("attrition", "attrition", .float, label: "Attrition",
                    help: "Estimated attrition for a build, expressed as a percentage (0-100)", default: .int(0)),
            .column("rounding_multiple", "rounding_multiple", .float, label: "Rounding Multiple",
                    help: "Round up required production quantity to nearest multiple of this value", allowNull: true),
            .column("allow_variants", "allow_variants", .boolean, label: "Allow Variants",
                    help: "Stock items for variant parts can be used for this BOM item", default: .bool(false)),
            .column("inherited", "inherited", .boolean, label: "Gets inherited",
                    help: "This BOM item is inherited by BOMs for variant parts", default: .bool(false)),
            .column("optional", "optional", .boolean, label: "Optional", help: "This BOM item is optional", default: .bool(false)),
            .column("consumable", "consumable", .boolean, label: "Consumable",
                    help: "This BOM item is consumable (it is not tracked in build orders)", default: .bool(false)),
            .column("note", "note", .string(maxLength: 500, allowBlank: true), label: "Note", help: "BOM item notes",
                    default: .string("")),
            .readOnly("validated", "validated", .boolean, label: "Validated", help: "This BOM item has been validated"),
            ResourceField("substitutes", .nested(Expansion(key: "t.id", relatedKey: "t.bom_item_id", many: true) { substitute }),
                          label: "Substitutes"),
            .computed("pricing_min", .decimal(places: 6), "NULL::numeric", label: "Minimum Price", visibility: .flag("pricing", default: true)),
            .computed("pricing_max", .decimal(places: 6), "NULL::numeric", label: "Maximum Price", visibility: .flag("pricing", default: true)),
            .computed("pricing_min_total", .decimal(places: 6), "NULL::numeric", label: "Minimum Price",
                      visibility: .flag("pricing", default: true)),
            .computed("pricing_max_total", .decimal(places: 6), "NULL::numeric", label: "Maximum Price",
                      visibility: .flag("pricing", default: true)),
            .computed("pricing_updated", .datetime, "NULL::timestamptz", label: "Updated", visibility: .flag("pricing", default: true)),
            .computed("available_stock", .float, "bs.available", label: "Available Stock"),
            .computed("available_substitute_stock", .float, "bs.substitute", label: "Available Substitute Stock"),
            .computed("available_variant_stock", .float, "bs.variant", label: "Available Variant Stock"),
            .computed("external_stock", .float, """
                (SELECT coalesce(sum(s.quantity), 0) FROM stock_stockitem s JOIN stock_stocklocation l ON l.id = s.location_id \
                WHERE s.part_id = t.sub_part_id AND l.external AND \(PartSQL.inStockCondition))
                """, label: "External Stock"),
            .computed("on_order", .float, PartSQL.onOrder(part: "t.sub_part_id"),
                      label: "On Order"),
            .computed("building", .float, "(SELECT coalesce(sum(s.quantity), 0) FROM stock_stockitem s WHERE s.part_id = t.sub_part_id AND s.is_building)",
                      label: "In Production"),
            .computed("can_build", .float, "CASE WHEN t.quantity > 0 THEN trunc(greatest(bs.available + bs.substitute + bs.variant, 0) / t.quantity) ELSE 0 END",
                      label: "Can Build"),
        ])
        resource.selectJoins = "LEFT JOIN LATERAL (SELECT \(availableStock) AS available, \(substituteStock) AS substitute, \(variantStock) AS variant) bs ON true"
        resource.listName = "Bom List"
        resource.detailName = "Bom Detail"
        resource.description = "API endpoint for accessing a list of BomItem objects."
        resource.filters = [
            // A part's BOM includes the inherited lines of the templates it is a variant of.
            .related("part", table: "part_part", condition: "(t.part_id = $ OR (t.inherited AND t.part_id IN \(ancestors(of: "$::integer"))))"),
            .related("sub_part", table: "part_part", condition: "t.sub_part_id = $"),
            // `get_used_in_bom_item_filter`: the part itself, a template it is a variant of (lines that allow
            // variants), or a substitute for the line's part
            .related("uses", table: "part_part", condition: """
                (t.sub_part_id = $ OR (t.allow_variants AND t.sub_part_id IN \(ancestors(of: "$::integer"))) \
                OR t.id IN (SELECT s.bom_item_id FROM part_bomitemsubstitute s WHERE s.part_id = $))
                """),
            .boolean("optional", "t.optional"), .boolean("consumable", "t.consumable"), .boolean("inherited", "t.inherited"),
            .boolean("allow_variants", "t.allow_variants"), .boolean("validated", "t.validated"),
            .boolean("sub_part_trackable", "(SELECT p.trackable FROM part_part p WHERE p.id = t.sub_part_id)"),
            .boolean("sub_part_testable", "(SELECT p.testable FROM part_part p WHERE p.id = t.sub_part_id)"),
            .boolean("sub_part_assembly", "(SELECT p.assembly FROM part_part p WHERE p.id = t.sub_part_id)"),
            .boolean("sub_part_virtual", "(SELECT p.virtual FROM part_part p WHERE p.id = t.sub_part_id)"),
            .boolean("part_active", "(SELECT p.active FROM part_part p WHERE p.id = t.part_id)"),
            .boolean("part_trackable", "(SELECT p.trackable FROM part_part p WHERE p.id = t.part_id)"),
            .boolean("has_pricing", "false"),
            .boolean("available_stock", "(\(availableStock)) > 0"),
        ]
        resource.search = [
            "t.reference ILIKE $", "t.note ILIKE $",
            "EXISTS (SELECT 1 FROM part_part p WHERE p.id = t.sub_part_id AND (p.name ILIKE $ OR p.description ILIKE $ OR p.ipn ILIKE $))",
        ]
        let subPartName = "(SELECT p.name FROM part_part p WHERE p.id = t.sub_part_id)"
        resource.ordering = [("quantity", "t.quantity"), ("sub_part", subPartName), ("reference", "t.reference"),
                             ("available_stock", "bs.available"), ("optional", "t.optional"), ("consumable", "t.consumable"),
                             ("inherited", "t.inherited"), ("allow_variants", "t.allow_variants")]
        resource.defaultOrdering = subPartName
        resource.validate = { context in
            guard let assembly = context.values["part"] ?? nil, let component = context.values["sub_part"] ?? nil else { return }
            if assembly == component {
                context.errors.add("sub_part", "Part cannot be added to its own Bill of Materials")
            }
        }
        return resource
    }()
}
