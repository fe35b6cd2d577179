import Postgres

/// `notifications.low_stock`: InvenTree's low stock notification ("The available stock for PART has fallen below
/// the configured minimum level") by e-mail to the part's subscribers, once per event: a part that recovers and
/// falls again is a new event.
public enum LowStockNotifications {
    public static let name = "notifications.low_stock"

    static let notifications = EventNotifications(
        kind: "part.notify_low_stock",
        objects: """
            SELECT p.id AS object_id, p.id AS part_id, p.name FROM part_part p
            WHERE p.active AND p.minimum_stock > 0 AND p.minimum_stock > coalesce((
                SELECT sum(s.quantity) FROM stock_stockitem s
                WHERE s.part_id = p.id AND \(EventNotifications.stockInHand)
            ), 0)
            """,
        helpers: EventNotifications.partSubscriberHelpers, recipients: EventNotifications.partSubscribers)

    public static func register(in registry: inout TaskRegistry, interval: Duration = .seconds(600)) {
        registry.register(TaskDefinition(name: name, maxAttempts: 3, exclusive: true) { context in
            try context.connection.transaction { connection in
                let due = try notifications.collect(on: connection)
                for notification in due {
                    let part: String = try notification.object.decode("name")
                    try EmailTask.enqueue(MailMessage(
                        to: [notification.email], subject: "Low stock notification",
                        body: "The available stock for \(part) has fallen below the configured minimum level"), on: connection)
                }
                return "\(due.count) notification(s)"
            }
        })
        registry.schedule(PeriodicTask(name: name, interval: interval))
    }
}
