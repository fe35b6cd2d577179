/// Stock locations, stock items, tracking entries and test results.
enum StockMappings {
    static let all: [ModelMapping] = [
        ModelMapping("stock.stocklocationtype", table: "stock_stocklocationtype", same("name", "description", "icon", "metadata")),
        ModelMapping("stock.stocklocation", table: "stock_stocklocation", same(
            "name", "description", "structural", "external", "custom_icon") + barcodeNotesMetadata.filter { $0.key != "notes" } + mpttFields + [
            "parent": .reference("parent_id", table: "stock_stocklocation"),
            "owner": .reference("owner_id", table: "users_owner"),
            "location_type": .reference("location_type_id", table: "stock_stocklocationtype"),
            "pathstring": .ignored("computed from the tree by Stockroom"),
        ]),
        ModelMapping("stock.stockitem", table: "stock_stockitem", same(
            "serial", "serial_int", "batch", "quantity", "status", "status_custom_key", "is_building", "expiry_date",
            "stocktake_date", "delete_on_deplete", "purchase_price", "purchase_price_currency", "packaging",
            "link", "creation_date", "updated") + barcodeNotesMetadata + mpttFieldsByParentKey + [
            "part": .reference("part_id", table: "part_part"),
            "parent": .reference("parent_id", table: "stock_stockitem"),
            "supplier_part": .reference("supplier_part_id", table: "company_supplierpart"),
            "location": .reference("location_id", table: "stock_stocklocation"),
            "belongs_to": .reference("belongs_to_id", table: "stock_stockitem"),
            "customer": .reference("customer_id", table: "company_company"),
            "build": .reference("build_id", table: "build_build"),
            "consumed_by": .reference("consumed_by_id", table: "build_build"),
            "purchase_order": .reference("purchase_order_id", table: "order_purchaseorder"),
            "sales_order": .reference("sales_order_id", table: "order_salesorder"),
            "stocktake_user": .user("stocktake_user_id"),
            "review_needed": removedByInvenTree("API 530 has no review flag"),
            "owner": .reference("owner_id", table: "users_owner"),
        ]),
        ModelMapping("stock.stockitemtracking", table: "stock_stockitemtracking", same("tracking_type", "date", "notes", "deltas", "metadata") + [
            "item": .reference("item_id", table: "stock_stockitem"),
            "part": .reference("part_id", table: "part_part"),
            "user": .user("user_id"),
            "title": .ignored("InvenTree before 2022: a free-text title, replaced by tracking_type"),
        ]),
        ModelMapping("stock.stockitemtestresult", table: "stock_stockitemtestresult", same(
            "result", "value", "notes", "test_station", "started_datetime", "finished_datetime", "date", "metadata") + [
            "stock_item": .reference("stock_item_id", table: "stock_stockitem"),
            "template": .reference("template_id", table: "part_parttesttemplate"),
            "attachment": .file("attachment"),
            "user": .user("user_id"),
        ]),
    ]
}
