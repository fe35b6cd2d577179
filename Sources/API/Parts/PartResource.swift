import Postgres

/// `part/`: InvenTree's PartSerializer with its annotations (stock totals, allocations, requirements), filters
/// (PartFilter and PartList) and search.
enum PartResource {
    static let relatedPart = FieldKind.related(model: "part", apiURL: "/api/part/", table: "part_part")
    static let templates = "(SELECT id FROM part_part WHERE is_template) templates"

    static let part: Resource = {
        typealias F = ResourceField
        func flag(_ name: String, _ label: String, _ help: String, default value: Bool) -> ResourceField {
            .column(name, name, .boolean, label: label, help: help, default: .bool(value))
        }
        var resource = Resource(model: "part", verboseName: "Part", path: "/api/part/", table: "part_part", fields: [
            flag("active", "Active", "Is this part active?", default: true),
            flag("assembly", "Assembly", "Can this part be built from other parts?", default: false),
            .readOnly("barcode_hash", "barcode_hash", .string(maxLength: 128, allowBlank: true), label: "Barcode Hash",
                      help: "Unique hash of barcode data"),
            .column("category", "category_id", .related(model: "partcategory", apiURL: "/api/part/category/", table: "part_partcategory"),
                    label: "Category", help: "Part category", allowNull: true),
            F("category_detail", .nested(Expansion(key: "t.category_id") { CategoryResources.category }), label: "Category",
              visibility: .flag("category_detail", default: false)),
            .computed("category_path", .json, """
                (SELECT json_agg(json_build_object('pk', a.id, 'name', a.name) ORDER BY a.level) FROM part_partcategory c \
                JOIN part_partcategory a ON a.id = ANY(c.tree_path) WHERE c.id = t.category_id)
                """, label: "Category path", visibility: .flag("path_detail", default: false)),
            .computed("category_name", .string(maxLength: nil, allowBlank: true),
                      "(SELECT c.name FROM part_partcategory c WHERE c.id = t.category_id)", label: "Category Name"),
            flag("component", "Component", "Can this part be used to build other parts?", default: true),
            .readOnly("creation_date", "creation_date", .date, label: "Creation Date", allowNull: true),
            .column("creation_user", "creation_user_id", .related(model: "user", apiURL: "/api/user/", table: "auth_user"),
                    label: "Creation User", allowNull: true),
            .column("default_expiry", "default_expiry", .integer, label: "Default Expiry",
                    help: "Expiry time (in days) for stock items of this part", default: .int(0)),
            .column("default_location", "default_location_id",
                    .related(model: "stocklocation", apiURL: "/api/stock/location/", table: "stock_stocklocation"),
                    label: "Default Location", help: "Where is this item normally stored?", allowNull: true),
            .column("default_supplier", "default_supplier_id",
                    .related(model: "supplierpart", apiURL: "/api/company/part/", table: "company_supplierpart"),
                    label: "Default Supplier", help: "Default supplier part", allowNull: true),
            .column("description", "description", .string(maxLength: 250, allowBlank: true), label: "Description",
                    help: "Part description (optional)", default: .string("")),
            .computed("full_name", .string(maxLength: nil, allowBlank: true), PartSQL.fullName, label: "Full name",
                      help: "Format a 'full name' for this Part based on the format PART_NAME_FORMAT defined in InvenTree settings"),
            .computed("image", .string(maxLength: nil, allowBlank: true), PartSQL.image, label: "Image"),
            F("remote_image", .url(maxLength: nil), label: "Remote Image", help: "URL of remote image file",
              allowNull: true, visibility: .writeOnly),
            F("existing_image", .string(maxLength: nil, allowBlank: false), label: "Existing Image",
              help: "Filename of an existing part image", visibility: .writeOnly),
            .column("IPN", "ipn", .string(maxLength: 100, allowBlank: true), label: "IPN", help: "Internal Part Number",
                    allowNull: true, default: .string("")),
            flag("is_template", "Is Template", "Is this part a template part?", default: false),
            .column("keywords", "keywords", .string(maxLength: 250, allowBlank: true), label: "Keywords",
                    help: "Part keywords to improve visibility in search results", allowNull: true),
            .computed("last_stocktake", .date, "lk.last", label: "Last Stocktake"),
            .column("link", "link", .url(maxLength: 2000), label: "Link", help: "Link to external URL", allowNull: true),
            flag("locked", "Locked", "Locked parts cannot be edited", default: false),
            .column("minimum_stock", "minimum_stock", .float, label: "Minimum Stock", help: "Minimum allowed stock level",
                    default: .int(0)),
            .column("name", "name", .string(maxLength: 100, allowBlank: false), label: "Name", help: "Part name", required: true),
            .column("notes", "notes", .string(maxLength: 50000, allowBlank: true), label: "Notes", help: "Markdown notes (optional)",
                    allowNull: true, visibility: .detailOnly),
            F("parameters", .nested(Expansion(key: "t.id", relatedKey: "CASE WHEN t.model_type = 'part' THEN t.model_id END",
                                              many: true) { ParameterResources.parameter }),
              label: "Parameters", visibility: .flag("parameters", default: false)),
            .readOnly("pk", "id", .integer, label: "ID"),
            flag("purchaseable", "Purchaseable", "Can this part be purchased from external suppliers?", default: true),
            .column("revision", "revision", .string(maxLength: 100, allowBlank: true), label: "Revision",
                    help: "Part revision or version number", allowNull: true, default: .string("")),
            .column("revision_of", "revision_of_id", relatedPart, label: "Revision Of",
                    help: "Is this part a revision of another part?", allowNull: true),
            .computed("revision_count", .integer, "coalesce(rv.revisions, 0)", label: "Revisions"),
            flag("salable", "Salable", "Can this part be sold to customers?", default: false),
            .computed("starred", .boolean, "EXISTS (SELECT 1 FROM part_partstar ps WHERE ps.part_id = t.id AND ps.user_id = $1)",
                      label: "Starred", allowNull: false),
            .computed("thumbnail", .string(maxLength: nil, allowBlank: true), PartSQL.thumbnail, label: "Thumbnail"),
            flag("testable", "Testable", "Can this part have test results recorded against it?", default: false),
            flag("trackable", "Trackable", "Does this part have tracking for unique items?", default: false),
            .column("units", "units", .string(maxLength: 20, allowBlank: true), label: "Units",
                    help: "Units of measure for this part", allowNull: true, default: .string("")),
            .column("variant_of", "variant_of_id", .related(model: "part", apiURL: "/api/part/", table: templates),
                    label: "Variant Of", help: "Is this part a variant of another part?", allowNull: true),
            flag("virtual", "Virtual", "Is this a virtual part, such as a software product or license?", default: false),
            .computed("pricing_min", .decimal(places: 6), "NULL::numeric", label: "Minimum Cost",
                      visibility: .flag("pricing", default: true)),
            .computed("pricing_max", .decimal(places: 6), "NULL::numeric", label: "Maximum Cost",
                      visibility: .flag("pricing", default: true)),
            .computed("pricing_updated", .datetime, "NULL::timestamptz", label: "Updated",
                      visibility: .flag("pricing", default: true)),
            .column("responsible", "responsible_owner_id", .related(model: "owner", apiURL: "/api/user/owner/", table: "users_owner"),
                    label: "Responsible", help: "User responsible for this part", allowNull: true),
            .computed("allocated_to_build_orders", .float, PartSQL.buildAllocatedPage, label: "Allocated to build orders"),
            .computed("allocated_to_sales_orders", .float, PartSQL.salesAllocatedPage, label: "Allocated to sales orders"),
            .computed("building", .float, PartSQL.buildingPage, label: "Building"),
            .computed("scheduled_to_build", .float, "coalesce(sb.quantity, 0)", label: "Scheduled to Build"),
            .computed("category_default_location", .integer, PartSQL.categoryDefaultLocation, label: "Category default location"),
            .computed("in_stock", .float, PartSQL.inStockPage, label: "In Stock"),
            .computed("ordering", .float, PartSQL.onOrderPage, label: "On Order"),
            .computed("required_for_build_orders", .integer, "trunc(coalesce(rb.quantity, 0))::bigint",
                      label: "Required for build orders"),
            .computed("required_for_sales_orders", .integer, "trunc(coalesce(rs.quantity, 0))::bigint",
                      label: "Required for sales orders"),
            .computed("stock_item_count", .integer, PartSQL.stockItemsPage, label: "Stock Items"),
            .computed("suppliers", .integer, "coalesce(su.suppliers, 0)", label: "Suppliers"),
            .computed("total_in_stock", .float, PartSQL.totalInStockPage, label: "Total Stock"),
            .computed("external_stock", .float, PartSQL.externalStockPage, label: "External Stock"),
            .computed("unallocated_stock", .float, PartSQL.unallocatedPage, label: "Unallocated Stock"),
            .computed("variant_stock", .float, PartSQL.variantStockPage, label: "Variant Stock"),
            F("copy_category_parameters", .boolean, label: "Copy Category Parameters",
              help: "Copy parameter templates from selected part category", default: .bool(true), visibility: .writeOnly),
            .computed("tags", .json, "'[]'::json", label: "Tags"),
        ])
        resource.selectJoins = PartSQL.pageJoins
        resource.rowCountKept = true
        resource.cachesRows = true
        resource.description = "API endpoint for accessing a list of Part objects, or creating a new Part instance."
        resource.filters = filters
        resource.search = [
            "t.name ILIKE $", "t.description ILIKE $", "t.ipn ILIKE $", "t.revision ILIKE $", "t.keywords ILIKE $",
            "EXISTS (SELECT 1 FROM part_partcategory c WHERE c.id = t.category_id AND c.name ILIKE $)",
            "EXISTS (SELECT 1 FROM company_manufacturerpart m WHERE m.part_id = t.id AND m.mpn ILIKE $)",
            "EXISTS (SELECT 1 FROM company_supplierpart sp WHERE sp.part_id = t.id AND sp.sku ILIKE $)",
        ]
        resource.ordering = [
            ("name", "t.name"), ("creation_date", "t.creation_date"), ("IPN", "t.ipn"), ("in_stock", PartSQL.inStock()),
            ("total_in_stock", PartSQL.totalInStock()),
            ("unallocated_stock", PartSQL.unallocated),
            ("category", "(SELECT c.name FROM part_partcategory c WHERE c.id = t.category_id)"),
            ("last_stocktake", "(SELECT max(k.date) FROM part_partstocktake k WHERE k.part_id = t.id)"),
            ("units", "t.units"), ("revision", "t.revision"), ("active", "t.active"),
        ]
        resource.defaultOrdering = "t.name"
        resource.validate = validate
        resource.afterWrite = afterWrite
        resource.beforeDelete = beforeDelete
        return resource
    }()

    static let filters: [ResourceFilter] = {
        var filters: [ResourceFilter] = [
            // InvenTree cascades into subcategories unless `cascade=false`; `category=null` means no category.
            ResourceFilter("category") { text, builder in
                if text.lowercased() == "null" || text.lowercased() == "none" {
                    builder.add("t.category_id IS NULL")
                    return
                }
                guard let id = try builder.relatedObject("category", text, table: "part_partcategory") else { return }
                let placeholder = builder.bind(id)
                if FilterBuilder.flag(builder.query("cascade")) ?? true {
                    builder.add("t.category_id IN (SELECT c.id FROM part_partcategory c WHERE c.tree_path @> ARRAY[\(placeholder)::integer])")
                } else {
                    builder.add("t.category_id = \(placeholder)")
                }
            },
            ResourceFilter("IPN") { text, builder in builder.add("lower(t.ipn) = lower(\(builder.bind(text)))") },
            .boolean("has_ipn", "coalesce(t.ipn, '') <> ''"),
            .boolean("has_units", "coalesce(t.units, '') <> ''"),
            .boolean("has_stock", "\(PartSQL.totalInStock()) > 0"),
            .boolean("low_stock", whenTrue: "\(PartSQL.totalInStock()) < t.minimum_stock",
                     whenFalse: "\(PartSQL.totalInStock()) >= t.minimum_stock"),
            .boolean("depleted_stock", "EXISTS (SELECT 1 FROM part_stocktotal st WHERE st.part_id = t.id AND st.item_count > 0 AND st.in_stock = 0)"),
            .boolean("starred", "EXISTS (SELECT 1 FROM part_partstar ps WHERE ps.part_id = t.id AND ps.user_id = $1)"),
            .boolean("is_revision", "t.revision_of_id IS NOT NULL"),
            .boolean("has_revisions", "EXISTS (SELECT 1 FROM part_part r WHERE r.revision_of_id = t.id)"),
            .boolean("bom_valid", "t.bom_validated"),
            // direct variants only (`part.get_children()`); `ancestor` gives every level below
            .related("variant_of", table: "part_part", condition: "t.variant_of_id = $"),
            .related("ancestor", table: "part_part", condition: "t.id IN \(PartSQL.variants(of: "$::integer"))"),
            .related("revision_of", table: "part_part", condition: "t.revision_of_id = $"),
            .related("in_bom_for", table: "part_part", condition: "t.id IN (SELECT b.sub_part_id FROM part_bomitem b WHERE b.part_id = $)"),
            .related("default_location", table: "stock_stocklocation", condition: "t.default_location_id = $"),
            .related("exclude_tree", table: "part_part",
                     condition: "t.id <> $ AND t.id NOT IN \(PartSQL.variants(of: "$::integer"))"),
        ]
        for name in ["active", "assembly", "component", "is_template", "purchaseable", "salable", "trackable", "testable",
                     "virtual", "locked"] {
            filters.append(.boolean(name, "t.\(name)"))
        }
        return filters
    }()

    /// Part.clean(): no part in a structural category, a variant only of a template, not its own variant.
    static func validate(_ context: inout WriteContext) throws {
        if let category = context.values["category"] ?? nil,
           try !ResourceSQL.query(context.connection, "SELECT 1 FROM part_partcategory WHERE id = $1::integer AND structural",
                                  [category]).isEmpty {
            context.errors.add("category", "Parts cannot be assigned to structural part categories!")
        }
        if let existing = context.existingID, let variantOf = context.values["variant_of"] ?? nil, variantOf == String(existing) {
            context.errors.add("variant_of", "Part cannot be a variant of itself")
        }
        if context.existingID == nil {
            context.extraColumns.append(("creation_user_id", String(context.userID), "::integer"))
        }
    }

    /// Part.delete(): an active part stays, and so does one used in an assembly unless PART_ALLOW_DELETE_FROM_ASSEMBLY.
    static func beforeDelete(_ connection: PostgresConnection, _ id: Int) throws {
        guard let row = try ResourceSQL.query(connection, """
            SELECT active, EXISTS (SELECT 1 FROM part_bomitem b WHERE b.sub_part_id = p.id) FROM part_part p WHERE p.id = $1
            """, [id]).first else { return }
        if try row.decode(0, as: Bool.self) {
            throw ValidationErrors("non_field_errors", "Cannot delete this part as it is still active")
        }
        if try row.decode(1, as: Bool.self),
           try !GlobalSettings.load(["PART_ALLOW_DELETE_FROM_ASSEMBLY"], from: connection).bool("PART_ALLOW_DELETE_FROM_ASSEMBLY", default: false) {
            throw ValidationErrors("non_field_errors", "Cannot delete this part as it is used in an assembly")
        }
    }

    /// `starred` in the body subscribes the signed-in user to the part or ends it (InvenTree's `set_starred`, this
    /// part only). On create, copy the parameter templates of the category and its ancestors (`copy_category_parameters`).
    static func afterWrite(_ connection: PostgresConnection, _ id: Int, _ context: WriteContext) throws {
        if let starred = context.given("starred")?.boolean(text: FilterBuilder.flag) {
            try ResourceSQL.query(connection, starred
                ? "INSERT INTO part_partstar (part_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
                : "DELETE FROM part_partstar WHERE part_id = $1 AND user_id = $2", [id, context.userID])
        }
        guard context.existingID == nil, context.given("copy_category_parameters")?.boolean(text: FilterBuilder.flag) ?? true,
              let category = context.values["category"] ?? nil else { return }
        try ResourceSQL.query(connection, """
            INSERT INTO common_parameter (model_type, model_id, template_id, data, updated, updated_by_id)
            SELECT DISTINCT ON (pt.template_id) 'part', $1::integer, pt.template_id, pt.default_value, now(), $3::integer
            FROM part_partcategoryparametertemplate pt JOIN part_partcategory c ON c.id = pt.category_id
            WHERE c.id IN (SELECT a FROM part_partcategory x, unnest(x.tree_path) a WHERE x.id = $2::integer)
            ORDER BY pt.template_id, c.level DESC
            ON CONFLICT DO NOTHING
            """, [id, category, context.userID])
    }
}
