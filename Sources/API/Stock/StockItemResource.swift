import Inventory
import Postgres

/// `stock/`: InvenTree's StockItemSerializer with its filters (StockFilter and StockList); creating with
/// `serial_numbers` makes one item per serial and answers their list.
enum StockItemResource {
    static let relatedItem = FieldKind.related(model: "stockitem", apiURL: "/api/stock/", table: "stock_stockitem")

    static let item: Resource = {
        typealias F = ResourceField
        var resource = Resource(model: "stockitem", verboseName: "StockItem", path: "/api/stock/", table: "stock_stockitem", fields: [
            .readOnly("pk", "id", .integer, label: "ID"),
            .column("part", "part_id", PartResource.relatedPart, label: "Part", help: "Base Part", required: true),
            F("part_detail", .nested(Expansion(key: "t.part_id") { PartResource.part }), label: "Part",
              visibility: .flag("part_detail", default: false)),
            // declared on InvenTree's serializer (InvenTreeDecimalField()): required, no default
            .column("quantity", "quantity", .float, label: "Quantity", help: "Stock Quantity", required: true),
            .column("serial", "serial", .string(maxLength: 100, allowBlank: true), label: "Serial Number",
                    help: "Serial number for this item", allowNull: true),
            .column("batch", "batch", .string(maxLength: 100, allowBlank: true), label: "Batch Code",
                    help: "Batch code for this stock item", allowNull: true),
            .column("location", "location_id", StockLocationResources.relatedLocation, label: "Stock Location",
                    help: "Where is this stock item located?", allowNull: true),
            F("location_detail", .nested(Expansion(key: "t.location_id") { StockLocationResources.location }), label: "Location",
              visibility: .flag("location_detail", default: false)),
            .computed("location_path", .json, """
                (SELECT json_agg(json_build_object('pk', a.id, 'name', a.name) ORDER BY a.level) FROM stock_stocklocation l \
                JOIN stock_stocklocation a ON a.id = ANY(l.tree_path) WHERE l.id = t.location_id)
                """, label: "Location path", visibility: .flag("path_detail", default: false)),
            .column("status", "status", .choice(StockSQL.statusChoices), label: "Status", help: "Stock status code", default: .int(10)),
            .computed("status_text", .string(maxLength: nil, allowBlank: true), StockSQL.statusText, label: "Status"),
            .readOnly("status_custom_key", "status_custom_key", .integer, label: "Custom status key", allowNull: true),
            .column("supplier_part", "supplier_part_id",
                    .related(model: "supplierpart", apiURL: "/api/company/part/", table: "company_supplierpart"),
                    label: "Supplier Part", help: "Select a matching supplier part for this stock item", allowNull: true),
            .computed("SKU", .string(maxLength: nil, allowBlank: true),
                      "(SELECT sp.sku FROM company_supplierpart sp WHERE sp.id = t.supplier_part_id)", label: "Supplier Part Number"),
            .column("belongs_to", "belongs_to_id", relatedItem, label: "Installed In",
                    help: "Is this item installed in another item?", allowNull: true),
            .column("customer", "customer_id", .related(model: "company", apiURL: "/api/company/", table: "company_company"),
                    label: "Customer", help: "Customer", allowNull: true),
            .readOnly("parent", "parent_id", .integer, label: "Parent Item", help: "Parent stock item", allowNull: true),
            .readOnly("sales_order", "sales_order_id", .integer, label: "Sales Order", allowNull: true),
            .column("purchase_order", "purchase_order_id",
                    .related(model: "purchaseorder", apiURL: "/api/order/po/", table: "order_purchaseorder"),
                    label: "Source Purchase Order", help: "Purchase order for this stock item", allowNull: true),
            .readOnly("build", "build_id", .integer, label: "Source Build", allowNull: true),
            .readOnly("consumed_by", "consumed_by_id", .integer, label: "Consumed By", allowNull: true),
            .readOnly("is_building", "is_building", .boolean, label: "Is building"),
            .column("delete_on_deplete", "delete_on_deplete", .boolean, label: "Delete on deplete",
                    help: "Delete this Stock Item when stock is depleted", default: .bool(true)),
            .column("expiry_date", "expiry_date", .date, label: "Expiry Date",
                    help: "Expiry date for stock item. Stock will be considered expired after this date", allowNull: true),
            .readOnly("stocktake_date", "stocktake_date", .date, label: "Stocktake Date", allowNull: true),
            .readOnly("stocktake_user", "stocktake_user_id", .integer, label: "Stocktake User", allowNull: true),
            .readOnly("updated", "updated", .datetime, label: "Updated", allowNull: true),
            .readOnly("creation_date", "creation_date", .datetime, label: "Creation Date", allowNull: true),
            .column("packaging", "packaging", .string(maxLength: 50, allowBlank: true), label: "Packaging",
                    help: "Packaging this stock item is stored in", allowNull: true),
            .column("link", "link", .url(maxLength: 2000), label: "External Link", help: "Link to external URL", default: .string("")),
            .column("notes", "notes", .string(maxLength: 50000, allowBlank: true), label: "Notes",
                    help: "Markdown notes (optional)", allowNull: true, visibility: .detailOnly),
            .column("owner", "owner_id", .related(model: "owner", apiURL: "/api/user/owner/", table: "users_owner"),
                    label: "Owner", help: "Select Owner", allowNull: true),
            .column("purchase_price", "purchase_price", .decimal(places: 6), label: "Purchase Price",
                    help: "Purchase price of this stock item, per unit or pack", allowNull: true),
            .column("purchase_price_currency", "purchase_price_currency", .string(maxLength: 3, allowBlank: true),
                    label: "Currency", help: "Purchase currency of this stock item", default: .string("")),
            .readOnly("barcode_hash", "barcode_hash", .string(maxLength: 128, allowBlank: true), label: "Barcode Hash",
                      help: "Unique hash of barcode data"),
            .computed("in_stock", .boolean, "(\(StockSQL.inStock))", label: "In Stock", allowNull: false),
            .computed("expired", .boolean, "(\(StockSQL.expired))", label: "Expired", allowNull: false),
            .computed("stale", .boolean, "(\(StockSQL.stale))", label: "Stale", allowNull: false),
            .computed("tracking_items", .integer, "(SELECT count(*) FROM stock_stockitemtracking k WHERE k.item_id = t.id)",
                      label: "Tracking Items"),
            .computed("installed_items", .integer, "(SELECT count(*) FROM stock_stockitem c WHERE c.belongs_to_id = t.id)",
                      label: "Installed Items"),
            .computed("child_items", .integer, "(SELECT count(*) FROM stock_stockitem c WHERE c.parent_id = t.id)", label: "Child Items"),
            .computed("allocated", .float, """
                ((SELECT coalesce(sum(a.quantity), 0) FROM build_builditem a WHERE a.stock_item_id = t.id) \
                + (SELECT coalesce(sum(a.quantity), 0) FROM order_salesorderallocation a WHERE a.item_id = t.id))
                """, label: "Allocated Quantity"),
            .computed("tags", .json, "'[]'::json", label: "Tags"),
            F("serial_numbers", .string(maxLength: nil, allowBlank: true), label: "Serial Numbers",
              help: "Enter serial numbers for new items", visibility: .writeOnly),
        ])
        resource.listName = "Stock Item List"
        resource.detailName = "Stock Item Detail"
        resource.description = "API endpoint for list view of Stock objects.\n\n- GET: Return a list of all StockItem objects (with optional query filters)\n- POST: Create a new StockItem"
        resource.filters = filters
        resource.search = ["t.serial ILIKE $", "t.batch ILIKE $",
                           "EXISTS (SELECT 1 FROM part_part p WHERE p.id = t.part_id AND (p.name ILIKE $ OR p.ipn ILIKE $ OR p.description ILIKE $))",
                           "EXISTS (SELECT 1 FROM stock_stocklocation l WHERE l.id = t.location_id AND l.name ILIKE $)"]
        // The part joined (not a subquery) so that the default order can walk the part name index and each part's
        // items in serial order, stopping at the page's end, instead of sorting every item.
        resource.joins = "JOIN part_part tp ON tp.id = t.part_id"
        resource.rowCountKept = true
        resource.cachesRows = true
        resource.ordering = [("batch", "t.batch"), ("location", "(SELECT l.pathstring FROM stock_stocklocation l WHERE l.id = t.location_id)"),
                             ("part", "tp.name"), ("IPN", "tp.ipn"),
                             ("updated", "t.updated"), ("stocktake_date", "t.stocktake_date"), ("expiry_date", "t.expiry_date"),
                             ("quantity", "t.quantity"), ("stock", "t.quantity"), ("status", "t.status"),
                             ("SKU", "(SELECT sp.sku FROM company_supplierpart sp WHERE sp.id = t.supplier_part_id)"),
                             ("serial", "t.serial_int"), ("pk", "t.id")]
        resource.defaultOrdering = "tp.name, t.serial_int, t.serial"
        resource.permissionTable = "stock_stockitem"
        resource.validate = validate
        resource.afterWrite = { connection, id, context in
            guard context.existingID == nil else { return }
            let stock = StockTransaction(connection: connection, userID: context.userID)
            let item = try stock.lock(id)
            var deltas = TrackingDeltas()
            deltas.set("status", .integer(item.status))
            if let location = item.locationID { deltas.set("location", .integer(location)) }
            deltas.set("quantity", .float(Quantity.float(item.quantity)))
            try stock.track(item, .created, deltas)
            try ResourceSQL.query(connection, "UPDATE stock_stockitem SET serial_int = $2, creation_date = coalesce(creation_date, now()), updated = now() WHERE id = $1",
                                  [id, Int(SerialNumbers.sortKey(item.serial ?? ""))])
        }
        return resource
    }()

    static func validate(_ context: inout WriteContext) throws {
        let serial = (context.values["serial"] ?? nil) ?? ""
        if !serial.isEmpty, let quantityText = context.values["quantity"] ?? nil, let quantity = Double(quantityText), quantity != 1 {
            context.errors.add("quantity", "Quantity must be 1 for item with a serial number")
        }
        if let quantityText = context.values["quantity"] ?? nil, let quantity = Double(quantityText), quantity < 0 {
            context.errors.add("quantity", "Ensure this value is greater than or equal to 0.")
        }
        if let location = context.values["location"] ?? nil,
           let row = try ResourceSQL.query(context.connection, "SELECT structural FROM stock_stocklocation WHERE id = $1::integer", [location]).first,
           try row.decode(0, as: Bool.self) {
            context.errors.add("location", "Stock items cannot be located into structural stock locations!")
        }
        if context.existingID == nil, let part = context.values["part"] ?? nil,
           let row = try ResourceSQL.query(context.connection, "SELECT virtual FROM part_part WHERE id = $1::integer", [part]).first,
           try row.decode(0, as: Bool.self) {
            context.errors.add("part", "Stock item cannot be created for virtual parts")
        }
    }

    static let filters: [ResourceFilter] = [
        ResourceFilter("part") { text, builder in
            guard let id = try builder.relatedObject("part", text, table: "part_part") else { return }
            builder.add(StockSQL.partAndVariants(builder.bind(id)))
        },
        ResourceFilter("location") { text, builder in
            if ["null", "none"].contains(text.lowercased()) {
                builder.add("t.location_id IS NULL")
                return
            }
            guard let id = try builder.relatedObject("location", text, table: "stock_stocklocation") else { return }
            let cascade = FilterBuilder.flag(builder.query("cascade")) ?? true
            let placeholder = builder.bind(id)
            builder.add(cascade
                ? "t.location_id IN (SELECT l.id FROM stock_stocklocation l WHERE l.tree_path @> ARRAY[\(placeholder)::integer])"
                : "t.location_id = \(placeholder)")
        },
        .boolean("in_stock", StockSQL.inStock),
        .boolean("available", "\(StockSQL.inStock) AND t.quantity > ((SELECT coalesce(sum(a.quantity), 0) FROM build_builditem a WHERE a.stock_item_id = t.id) + (SELECT coalesce(sum(a.quantity), 0) FROM order_salesorderallocation a WHERE a.item_id = t.id))"),
        .exact("serial", "t.serial"),
        ResourceFilter("serial_gte") { text, builder in
            guard let value = Int(text) else { throw ValidationErrors("serial_gte", ValidationErrors.Message.enterNumber) }
            builder.add("t.serial IS NOT NULL AND t.serial <> '' AND t.serial_int >= \(builder.bind(value))")
        },
        ResourceFilter("serial_lte") { text, builder in
            guard let value = Int(text) else { throw ValidationErrors("serial_lte", ValidationErrors.Message.enterNumber) }
            builder.add("t.serial IS NOT NULL AND t.serial <> '' AND t.serial_int <= \(builder.bind(value))")
        },
        .exact("batch", "t.batch"),
        ResourceFilter("batch_regex") { text, builder in builder.add("t.batch ~ \(builder.bind(text))") },
        ResourceFilter("status") { text, builder in
            guard let value = Int(text), StockStatus(rawValue: value) != nil else {
                throw ValidationErrors("status", "Select a valid choice. \(text) is not one of the available choices.")
            }
            builder.add("t.status = \(builder.bind(value))")
        },
        .related("supplier_part", table: "company_supplierpart", condition: "t.supplier_part_id = $"),
        .related("manufacturer", table: "company_company", condition: """
            t.supplier_part_id IN (SELECT sp.id FROM company_supplierpart sp JOIN company_manufacturerpart mp ON mp.id = sp.manufacturer_part_id WHERE mp.manufacturer_id = $)
            """),
        .related("supplier", table: "company_company", condition: "t.supplier_part_id IN (SELECT sp.id FROM company_supplierpart sp WHERE sp.supplier_id = $)"),
        .related("belongs_to", table: "stock_stockitem", condition: "t.belongs_to_id = $"),
        .related("customer", table: "company_company", condition: "t.customer_id = $"),
        .related("parent", table: "stock_stockitem", condition: "t.parent_id = $"),
        .related("purchase_order", table: "order_purchaseorder", condition: "t.purchase_order_id = $"),
        .related("sales_order", table: "order_salesorder", condition: "t.sales_order_id = $"),
        .related("build", table: "build_build", condition: "t.build_id = $"),
        .related("category", table: "part_partcategory", condition: """
            t.part_id IN (SELECT p.id FROM part_part p JOIN part_partcategory c ON c.id = p.category_id WHERE c.tree_path @> ARRAY[$::integer])
            """),
        .related("ancestor", table: "stock_stockitem", condition: """
            t.id IN (WITH RECURSIVE d(id) AS (SELECT s.id FROM stock_stockitem s WHERE s.parent_id = $ \
            UNION SELECT s.id FROM stock_stockitem s JOIN d ON s.parent_id = d.id) SELECT id FROM d)
            """),
        .boolean("expired", StockSQL.expired),
        .boolean("stale", StockSQL.stale),
        .boolean("is_building", "t.is_building"),
        .boolean("serialized", "t.serial IS NOT NULL AND t.serial <> ''"),
        .boolean("has_batch", "t.batch IS NOT NULL AND t.batch <> ''"),
        .boolean("tracked", "(t.serial IS NOT NULL AND t.serial <> '') OR (t.batch IS NOT NULL AND t.batch <> '')"),
        .boolean("installed", "t.belongs_to_id IS NOT NULL"),
        .boolean("sent_to_customer", "t.customer_id IS NOT NULL"),
        .boolean("depleted", "t.quantity <= 0"),
        .boolean("external", "EXISTS (SELECT 1 FROM stock_stocklocation l WHERE l.id = t.location_id AND l.external)"),
        .boolean("has_purchase_price", "t.purchase_price IS NOT NULL"),
        .boolean("has_child_items", "EXISTS (SELECT 1 FROM stock_stockitem c WHERE c.parent_id = t.id)"),
        .boolean("has_installed_items", "EXISTS (SELECT 1 FROM stock_stockitem c WHERE c.belongs_to_id = t.id)"),
        .boolean("active", "EXISTS (SELECT 1 FROM part_part p WHERE p.id = t.part_id AND p.active)"),
        .boolean("assembly", "EXISTS (SELECT 1 FROM part_part p WHERE p.id = t.part_id AND p.assembly)"),
        .boolean("salable", "EXISTS (SELECT 1 FROM part_part p WHERE p.id = t.part_id AND p.salable)"),
        .exact("IPN", "(SELECT p.ipn FROM part_part p WHERE p.id = t.part_id)"),
        .exact("name", "(SELECT p.name FROM part_part p WHERE p.id = t.part_id)"),
    ]
}
