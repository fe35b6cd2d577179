import Postgres

/// InvenTree's overdue order notifications (order/tasks.py `check_overdue_purchase_orders`, `..._sales_orders`,
/// build/tasks.py `check_overdue_build_orders`): an open order past its target date, e-mailed once to its creator
/// and its responsible owner.
public enum OverdueOrderNotifications {
    /// One kind of order.
    struct Kind {
        let task: String
        let notification: String
        let table: String
        let creatorColumn: String
        /// InvenTree's open (or active, for builds) status codes.
        let openStatuses: [Int]
        /// "Overdue Purchase Order"
        let title: String
        /// "Purchase order"
        let noun: String
    }

    static let kinds = [
        Kind(task: "notifications.overdue_purchase_orders", notification: "order.overdue_purchase_order",
             table: "order_purchaseorder", creatorColumn: "created_by_id", openStatuses: [10, 20, 25],
             title: "Overdue Purchase Order", noun: "Purchase order"),
        Kind(task: "notifications.overdue_sales_orders", notification: "order.overdue_sales_order",
             table: "order_salesorder", creatorColumn: "created_by_id", openStatuses: [10, 15, 25],
             title: "Overdue Sales Order", noun: "Sales order"),
        Kind(task: "notifications.overdue_build_orders", notification: "build.overdue_build_order",
             table: "build_build", creatorColumn: "issued_by_id", openStatuses: [10, 20, 25],
             title: "Overdue Build Order", noun: "Build order"),
    ]

    /// How far back a missed target date still notifies. InvenTree notifies only orders whose target date was
    /// yesterday; a week lets a worker that was down catch up without mailing years of imported history.
    static let lookbackDays = 7

    static func notifications(_ kind: Kind) -> EventNotifications {
        EventNotifications(kind: kind.notification, objects: """
            SELECT o.id AS object_id, o.reference, o.\(kind.creatorColumn) AS creator_id, o.responsible_id
            FROM \(kind.table) o
            WHERE o.target_date < current_date AND o.target_date >= current_date - \(lookbackDays)
              AND o.status IN (\(kind.openStatuses.map(String.init).joined(separator: ", ")))
            """, recipients: EventNotifications.orderOwners)
    }

    public static func register(in registry: inout TaskRegistry, interval: Duration = .seconds(3600)) {
        for kind in kinds {
            let notifications = notifications(kind)
            registry.register(TaskDefinition(name: kind.task, maxAttempts: 3, exclusive: true) { context in
                try context.connection.transaction { connection in
                    let due = try notifications.collect(on: connection)
                    for notification in due {
                        let reference: String = try notification.object.decode("reference")
                        try EmailTask.enqueue(MailMessage(to: [notification.email], subject: kind.title,
                                                          body: "\(kind.noun) \(reference) is now overdue"), on: connection)
                    }
                    return "\(due.count) notification(s)"
                }
            })
            registry.schedule(PeriodicTask(name: kind.task, interval: interval))
        }
    }
}
