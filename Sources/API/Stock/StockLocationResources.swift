/// `stock/location/` and `stock/location/tree/` (InvenTree's LocationSerializer and LocationTree).
enum StockLocationResources {
    static let relatedLocation = FieldKind.related(model: "stocklocation", apiURL: "/api/stock/location/", table: "stock_stocklocation")
    static let items = TreeSQL.itemCount("stock_stockitem", foreignKey: "location_id", tree: "stock_stocklocation")
    static let sublocations = TreeSQL.descendantCount("stock_stocklocation")
    static let path = TreeSQL.path("stock_stocklocation")
    static let treeOrder = TreeSQL.order

    static let location: Resource = {
        var resource = Resource(model: "stocklocation", verboseName: "StockLocation", path: "/api/stock/location/",
                                table: "stock_stocklocation", fields: [
            .readOnly("pk", "id", .integer, label: "ID"),
            .readOnly("barcode_hash", "barcode_hash", .string(maxLength: 128, allowBlank: true), label: "Barcode Hash",
                      help: "Unique hash of barcode data"),
            .column("custom_icon", "custom_icon", .string(maxLength: 100, allowBlank: true), label: "Icon", help: "Icon (optional)",
                    allowNull: true),
            .column("description", "description", .string(maxLength: 250, allowBlank: true), label: "Description",
                    help: "Description (optional)", default: .string("")),
            .column("external", "external", .boolean, label: "External", help: "This is an external stock location",
                    default: .bool(false)),
            .computed("icon", .string(maxLength: nil, allowBlank: true),
                      "coalesce(nullif(t.custom_icon, ''), (SELECT y.icon FROM stock_stocklocationtype y WHERE y.id = t.location_type_id), '')",
                      label: "Icon", allowNull: false),
            .computed("items", .integer, items, label: "Stock Items"),
            .readOnly("level", "level", .integer, label: "Level"),
            .column("location_type", "location_type_id",
                    .related(model: "stocklocationtype", apiURL: "/api/stock/location-type/", table: "stock_stocklocationtype"),
                    label: "Location type", help: "Stock location type of this location", allowNull: true),
            .column("name", "name", .string(maxLength: 100, allowBlank: false), label: "Name", help: "Name", required: true),
            .column("owner", "owner_id", .related(model: "owner", apiURL: "/api/user/owner/", table: "users_owner"),
                    label: "Owner", help: "Select Owner", allowNull: true),
            .column("parent", "parent_id", relatedLocation, label: "Parent Location", help: "Parent stock location", allowNull: true),
            .computed("path", .json, path, label: "Path", visibility: .flag("path_detail", default: false)),
            .readOnly("pathstring", "pathstring", .string(maxLength: 250, allowBlank: true), label: "Path", help: "Path"),
            .column("structural", "structural", .boolean, label: "Structural",
                    help: "Stock items may not be directly located into a structural stock locations, but may be located to child locations.",
                    default: .bool(false)),
            .computed("sublocations", .integer, sublocations, label: "Sublocations"),
            .computed("tags", .json, "'[]'::json", label: "Tags"),
        ])
        resource.listName = "Stock Location List"
        resource.detailName = "Stock Location Detail"
        resource.description = "API endpoint for list view of StockLocation objects.\n\n- GET: Return list of StockLocation objects\n- POST: Create a new StockLocation"
        resource.filters = [
            CategoryResources.parentFilter(table: "stock_stocklocation"),
            .exact("name", "t.name"),
            .exact("description", "t.description"),
            .boolean("structural", "t.structural"),
            .boolean("external", "t.external"),
            .boolean("top_level", "t.parent_id IS NULL"),
            .boolean("has_location_type", "t.location_type_id IS NOT NULL"),
            .related("location_type", table: "stock_stocklocationtype", condition: "t.location_type_id = $"),
            .related("exclude_tree", table: "stock_stocklocation", condition: "NOT (t.tree_path @> ARRAY[$::integer])"),
        ]
        resource.search = ["t.name ILIKE $", "t.description ILIKE $", "t.pathstring ILIKE $"]
        resource.ordering = [("name", "t.name"), ("pathstring", "t.pathstring"), ("items", items), ("level", "t.level"),
                             ("tree_id", "t.tree_path[1]"), ("lft", treeOrder)]
        resource.defaultOrdering = treeOrder
        resource.validate = { context in
            if context.values["parent"] != nil, let id = context.existingID, let parent = context.values["parent"] ?? nil,
               try !ResourceSQL.query(context.connection, "SELECT 1 FROM stock_stocklocation WHERE id = $1::integer AND tree_path @> ARRAY[$2::integer]",
                                      [parent, id]).isEmpty {
                context.errors.add("parent", "Cannot assign location as its own parent or as a child of itself")
            }
        }
        resource.cachesRows = true
        return resource
    }()

    static let tree: Resource = {
        var resource = Resource(model: "stocklocation", verboseName: "StockLocation", path: "/api/stock/location/tree/",
                                table: "stock_stocklocation", fields: [
            .readOnly("pk", "id", .integer, label: "ID"),
            .readOnly("name", "name", .string(maxLength: 100, allowBlank: false), label: "Name"),
            .readOnly("parent", "parent_id", .integer, label: "Parent", allowNull: true),
            .computed("icon", .string(maxLength: nil, allowBlank: true), "coalesce(t.custom_icon, '')", label: "Icon"),
            .readOnly("structural", "structural", .boolean, label: "Structural"),
            .computed("sublocations", .integer, sublocations, label: "Sublocations"),
        ])
        resource.listName = "Stock Location Tree"
        resource.allowCreate = false
        resource.allowUpdate = false
        resource.allowDelete = false
        resource.ordering = [("level", "t.level"), ("name", "t.name"), ("sublocations", sublocations)]
        resource.defaultOrdering = treeOrder
        return resource
    }()
}
