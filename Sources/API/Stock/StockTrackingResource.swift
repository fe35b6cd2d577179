/// `stock/track/`: InvenTree's StockTrackingSerializer (read only), filters `item` and `user`, newest first.
enum StockTrackingResource {
    static let tracking: Resource = {
        var resource = Resource(model: "stockitemtracking", verboseName: "StockItemTracking", path: "/api/stock/track/",
                                table: "stock_stockitemtracking", fields: [
            .readOnly("pk", "id", .integer, label: "ID"),
            .readOnly("item", "item_id", .integer, label: "Item", allowNull: true),
            ResourceField("item_detail", .nested(Expansion(key: "t.item_id") { StockItemResource.item }), label: "Item",
                          visibility: .flag("item_detail", default: false)),
            .readOnly("date", "date", .datetime, label: "Date"),
            .computed("deltas", .json, "coalesce(t.deltas, '{}'::jsonb)", label: "Deltas"),
            .computed("label", .string(maxLength: nil, allowBlank: true), StockSQL.trackingTypeText, label: "Label"),
            .readOnly("notes", "notes", .string(maxLength: 512, allowBlank: true), label: "Notes", allowNull: true),
            .readOnly("tracking_type", "tracking_type", .integer, label: "Tracking type"),
            .readOnly("user", "user_id", .integer, label: "User", allowNull: true),
        ])
        resource.listName = "Stock Tracking List"
        resource.detailName = "Stock Tracking Detail"
        resource.allowCreate = false
        resource.allowUpdate = false
        resource.allowDelete = false
        resource.filters = [
            .related("item", table: "stock_stockitem", condition: "t.item_id = $"),
            .related("user", table: "auth_user", condition: "t.user_id = $"),
        ]
        resource.search = ["t.notes ILIKE $"]
        resource.ordering = [("date", "t.date")]
        resource.defaultOrdering = "t.date DESC"
        return resource
    }()
}
