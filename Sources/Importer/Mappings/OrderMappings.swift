/// Purchase, sales, return and transfer orders with their lines, shipments and allocations.
enum OrderMappings {
    /// Fields of every order (InvenTree's abstract Order model).
    static let orderFields: [String: FieldMapping] = same(
        "reference", "reference_int", "description", "link", "start_date", "target_date", "creation_date", "issue_date",
        "updated_at", "total_price", "total_price_currency", "order_currency", "status", "status_custom_key") + barcodeNotesMetadata + [
        "created_by": .user("created_by_id"),
        "responsible": .reference("responsible_id", table: "users_owner"),
        "contact": .reference("contact_id", table: "company_contact"),
        "address": .reference("address_id", table: "company_address"),
        "project_code": .reference("project_code_id", table: "common_projectcode"),
    ]

    /// Fields of every line (InvenTree's abstract OrderLineItem / OrderExtraLine).
    static func lineFields(order: String) -> [String: FieldMapping] {
        same("quantity", "reference", "notes", "link", "target_date", "discount", "line", "line_int", "metadata") + [
            "order": .reference("order_id", table: order),
            "project_code": .reference("project_code_id", table: "common_projectcode"),
        ]
    }

    static func extraLine(_ model: String, table: String, order: String) -> ModelMapping {
        ModelMapping(model, table: table, lineFields(order: order) + same("description", "context", "price", "price_currency"))
    }

    static let all: [ModelMapping] = [
        ModelMapping("order.purchaseorder", table: "order_purchaseorder", orderFields + same("supplier_reference", "complete_date") + [
            "supplier": .reference("supplier_id", table: "company_company"),
            "received_by": .user("received_by_id"),
            "destination": .reference("destination_id", table: "stock_stocklocation"),
        ]),
        ModelMapping("order.purchaseorderlineitem", table: "order_purchaseorderlineitem",
                     lineFields(order: "order_purchaseorder") + same("received", "purchase_price", "purchase_price_currency") + [
            // InvenTree's `part` here is the supplier part
            "part": .reference("part_id", table: "company_supplierpart"),
            "destination": .reference("destination_id", table: "stock_stocklocation"),
            "build_order": .reference("build_order_id", table: "build_build"),
        ]),
        extraLine("order.purchaseorderextraline", table: "order_purchaseorderextraline", order: "order_purchaseorder"),
        ModelMapping("order.salesorder", table: "order_salesorder", orderFields + same("customer_reference", "shipment_date") + [
            "customer": .reference("customer_id", table: "company_company"),
            "shipped_by": .user("shipped_by_id"),
        ]),
        ModelMapping("order.salesorderlineitem", table: "order_salesorderlineitem",
                     lineFields(order: "order_salesorder") + same("sale_price", "sale_price_currency", "shipped") + [
            "part": .reference("part_id", table: "part_part"),
        ]),
        extraLine("order.salesorderextraline", table: "order_salesorderextraline", order: "order_salesorder"),
        ModelMapping("order.salesordershipment", table: "order_salesordershipment", same(
            "reference", "shipment_date", "delivery_date", "tracking_number", "invoice_number", "link") + barcodeNotesMetadata + [
            "order": .reference("order_id", table: "order_salesorder"),
            "shipment_address": .reference("shipment_address_id", table: "company_address"),
            "checked_by": .user("checked_by_id"),
        ]),
        ModelMapping("order.salesorderallocation", table: "order_salesorderallocation", same("quantity") + [
            "line": .reference("line_id", table: "order_salesorderlineitem"),
            "shipment": .reference("shipment_id", table: "order_salesordershipment"),
            "item": .reference("item_id", table: "stock_stockitem"),
        ]),
        ModelMapping("order.returnorder", table: "order_returnorder", orderFields + same("customer_reference", "complete_date") + [
            "customer": .reference("customer_id", table: "company_company"),
        ]),
        ModelMapping("order.returnorderlineitem", table: "order_returnorderlineitem",
                     lineFields(order: "order_returnorder") + same("received_date", "outcome", "outcome_custom_key", "price", "price_currency") + [
            "item": .reference("item_id", table: "stock_stockitem"),
        ]),
        extraLine("order.returnorderextraline", table: "order_returnorderextraline", order: "order_returnorder"),
        ModelMapping("order.transferorder", table: "order_transferorder", orderFields + same("complete_date") + [
            "take_from": .reference("take_from_id", table: "stock_stocklocation"),
            "destination": .reference("destination_id", table: "stock_stocklocation"),
        ]),
        ModelMapping("order.transferorderlineitem", table: "order_transferorderlineitem",
                     lineFields(order: "order_transferorder") + same("transferred") + [
            "part": .reference("part_id", table: "part_part"),
        ]),
        ModelMapping("order.transferorderallocation", table: "order_transferorderallocation", same("quantity") + [
            "line": .reference("line_id", table: "order_transferorderlineitem"),
            "item": .reference("item_id", table: "stock_stockitem"),
        ]),
    ]
}
