import Postgres

/// `notifications.low_stock`: InvenTree's low stock notification ("The available stock for PART has fallen below
/// the configured minimum level") by e-mail to the active users with an address who starred the part, once per
/// event: a part that recovers and falls again is a new event.
public enum LowStockNotifications {
    public static let name = "notifications.low_stock"
    static let kind = "part.notify_low_stock"

    /// Parts whose stock in hand (InvenTree's IN_STOCK_FILTER: available statuses, not installed, not at a
    /// customer, not allocated to a sales order, not being built, not consumed) is below their minimum.
    static let lowParts = """
        SELECT p.id, p.name FROM part_part p
        WHERE p.active AND p.minimum_stock > 0 AND p.minimum_stock > coalesce((
            SELECT sum(s.quantity) FROM stock_stockitem s
            WHERE s.part_id = p.id AND s.quantity > 0 AND s.status IN (10, 50, 55) AND s.belongs_to_id IS NULL
              AND s.customer_id IS NULL AND s.sales_order_id IS NULL AND NOT s.is_building AND s.consumed_by_id IS NULL
        ), 0)
        """

    public static func register(in registry: inout TaskRegistry, interval: Duration = .seconds(600)) {
        registry.register(TaskDefinition(name: name, maxAttempts: 3, exclusive: true) { context in
            try context.connection.transaction { connection in
                try connection.execute("""
                    DELETE FROM task_notification_sent WHERE kind = $1 AND object_id NOT IN (SELECT id FROM (\(lowParts)) low)
                    """, [kind])
                let due = try connection.query("""
                    WITH low AS (\(lowParts)), due AS (
                        SELECT low.id, low.name, u.id AS user_id, u.email FROM low
                        JOIN part_partstar star ON star.part_id = low.id
                        JOIN auth_user u ON u.id = star.user_id AND u.is_active AND u.email <> ''
                        WHERE NOT EXISTS (SELECT 1 FROM task_notification_sent n
                                          WHERE n.kind = $1 AND n.object_id = low.id AND n.user_id = u.id)
                    ), recorded AS (
                        INSERT INTO task_notification_sent (kind, object_id, user_id) SELECT $1, id, user_id FROM due
                    )
                    SELECT id, name, email FROM due ORDER BY id, user_id
                    """, [kind])
                for row in due {
                    let part: String = try row.decode("name")
                    try EmailTask.enqueue(MailMessage(
                        to: [try row.decode("email")], subject: "Low stock notification",
                        body: "The available stock for \(part) has fallen below the configured minimum level"), on: connection)
                }
                return "\(due.count) notification(s)"
            }
        })
        registry.schedule(PeriodicTask(name: name, interval: interval))
    }
}
