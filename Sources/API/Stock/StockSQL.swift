/// SQL for InvenTree's stock item annotations and filters, over a stock item row `t`.
enum StockSQL {
    /// InvenTree's IN_STOCK_FILTER for `t`.
    static let inStock = """
        t.quantity > 0 AND t.sales_order_id IS NULL AND t.belongs_to_id IS NULL AND t.customer_id IS NULL \
        AND t.consumed_by_id IS NULL AND NOT t.is_building AND t.status IN (10, 50, 55, 85)
        """
    /// InvenTree's EXPIRED_FILTER (only when stock expiry is in use: the item has an expiry date).
    static let expired = "t.expiry_date IS NOT NULL AND t.expiry_date < current_date"
    /// Expiring within STOCK_STALE_DAYS (InvenTree's default: 0 days).
    static let stale = """
        t.expiry_date IS NOT NULL AND t.expiry_date < current_date + coalesce((SELECT CASE WHEN g.value ~ '^[0-9]+$' \
        THEN g.value::integer END FROM common_inventreesetting g WHERE g.key = 'STOCK_STALE_DAYS'), 0)
        """
    static let statusText = """
        CASE t.status WHEN 10 THEN 'OK' WHEN 50 THEN 'Attention needed' WHEN 55 THEN 'Damaged' WHEN 60 THEN 'Destroyed' \
        WHEN 65 THEN 'Rejected' WHEN 70 THEN 'Lost' WHEN 75 THEN 'Quarantined' WHEN 85 THEN 'Returned' ELSE '' END
        """
    static let statusChoices: [(value: Int, label: String)] = [
        (10, "OK"), (50, "Attention needed"), (55, "Damaged"), (60, "Destroyed"), (65, "Rejected"), (70, "Lost"),
        (75, "Quarantined"), (85, "Returned"),
    ]
    static let trackingTypeText: String = {
        let names: [(Int, String)] = [
            (0, "Legacy stock tracking entry"), (1, "Stock item created"), (5, "Edited stock item"), (6, "Assigned serial number"),
            (10, "Stock counted"), (11, "Stock manually added"), (12, "Stock manually removed"), (13, "Serialized stock items"),
            (15, "Returned to stock"), (20, "Location changed"), (25, "Stock updated"), (30, "Installed into assembly"),
            (31, "Removed from assembly"), (35, "Installed component item"), (36, "Removed component item"),
            (40, "Split from parent item"), (42, "Split child item"), (45, "Merged stock items"), (48, "Converted to variant"),
            (50, "Build order output created"), (55, "Build order output completed"), (56, "Build order output rejected"),
            (57, "Consumed by build order"), (60, "Shipped against Sales Order"), (70, "Received against Purchase Order"),
            (80, "Returned against Return Order"), (100, "Sent to customer"), (105, "Returned from customer"),
        ]
        return "CASE t.tracking_type " + names.map { "WHEN \($0.0) THEN '\($0.1)'" }.joined(separator: " ") + " ELSE '' END"
    }()

    /// The part and all its variants (InvenTree's `part` filter on stock).
    static func partAndVariants(_ placeholder: String) -> String {
        "(t.part_id = \(placeholder) OR t.part_id IN \(PartSQL.variants(of: placeholder)))"
    }
}
