/// Build orders, build lines and build items (stock allocated to a build).
enum BuildMappings {
    static let all: [ModelMapping] = [
        ModelMapping("build.build", table: "build_build", same(
            "reference", "reference_int", "title", "external", "quantity", "completed", "status", "status_custom_key", "batch",
            "creation_date", "start_date", "target_date", "completion_date", "link", "priority") + barcodeNotesMetadata + mpttFieldsByParentKey + [
            "parent": .reference("parent_id", table: "build_build"),
            "part": .reference("part_id", table: "part_part"),
            "sales_order": .reference("sales_order_id", table: "order_salesorder"),
            "take_from": .reference("take_from_id", table: "stock_stocklocation"),
            "destination": .reference("destination_id", table: "stock_stocklocation"),
            "completed_by": .user("completed_by_id"),
            "issued_by": .user("issued_by_id"),
            "responsible": .reference("responsible_id", table: "users_owner"),
            "project_code": .reference("project_code_id", table: "common_projectcode"),
        ]),
        ModelMapping("build.buildline", table: "build_buildline", same("quantity", "consumed") + [
            "build": .reference("build_id", table: "build_build"),
            "bom_item": .reference("bom_item_id", table: "part_bomitem"),
        ]),
        ModelMapping("build.builditem", table: "build_builditem", same("quantity", "metadata") + [
            "build_line": .reference("build_line_id", table: "build_buildline"),
            "stock_item": .reference("stock_item_id", table: "stock_stockitem"),
            "install_into": .reference("install_into_id", table: "stock_stockitem"),
        ]),
    ]
}
