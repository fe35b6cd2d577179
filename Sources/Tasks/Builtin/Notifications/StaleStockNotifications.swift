import Postgres

/// `notifications.stale_stock`: InvenTree's stale stock notification (stock/part tasks `check_stale_stock`): stock
/// in hand whose expiry date is within the STOCK_STALE_DAYS setting (with STOCK_ENABLE_EXPIRY on), one e-mail per
/// user listing the items, to the parts' subscribers. Once per event: an item turning stale is one, the same item
/// expiring another.
public enum StaleStockNotifications {
    public static let name = "notifications.stale_stock"

    /// The items in hand expiring before `current_date + STOCK_STALE_DAYS`, with days left (negative: expired);
    /// `expired` picks the expired ones (before today) or those still to expire.
    static func items(expired: Bool) -> String {
        """
        SELECT s.id AS object_id, s.part_id, p.name AS part_name, trim_scale(s.quantity)::text AS quantity,
            coalesce(l.pathstring, '') AS location, (s.expiry_date - current_date) AS days_left
        FROM stock_stockitem s JOIN part_part p ON p.id = s.part_id
        LEFT JOIN stock_stocklocation l ON l.id = s.location_id,
        (SELECT coalesce((SELECT lower(trim(value)) IN ('1', 'y', 'yes', 't', 'true', 'on') FROM common_inventreesetting
                          WHERE key = 'STOCK_ENABLE_EXPIRY'), false) AS enabled,
                coalesce((SELECT trim(value)::int FROM common_inventreesetting
                          WHERE key = 'STOCK_STALE_DAYS' AND trim(value) ~ '^-?[0-9]{1,6}$'), 0) AS days) settings
        WHERE settings.enabled AND settings.days > 0 AND s.expiry_date IS NOT NULL
          AND s.expiry_date < current_date + settings.days AND s.expiry_date \(expired ? "<" : ">=") current_date
          AND \(EventNotifications.stockInHand)
        """
    }

    static let stale = EventNotifications(kind: "stock.notify_stale_stock", objects: items(expired: false),
                                          helpers: EventNotifications.partSubscriberHelpers,
                                          recipients: EventNotifications.partSubscribers)
    static let expired = EventNotifications(kind: "stock.notify_expired_stock", objects: items(expired: true),
                                            helpers: EventNotifications.partSubscriberHelpers,
                                            recipients: EventNotifications.partSubscribers)

    public static func register(in registry: inout TaskRegistry, interval: Duration = .seconds(3600)) {
        registry.register(TaskDefinition(name: name, maxAttempts: 3, exclusive: true) { context in
            try context.connection.transaction { connection in
                let due = try stale.collect(on: connection) + expired.collect(on: connection)
                var byUser: [(email: String, lines: [String])] = []
                var index: [Int: Int] = [:]
                for notification in due {
                    let row = notification.object
                    let days: Int = try row.decode("days_left")
                    let location: String = try row.decode("location")
                    let line = "- \(try row.decode("part_name", as: String.self)) (quantity \(try row.decode("quantity", as: String.self))"
                        + (location.isEmpty ? "" : ", in \(location)") + "): " + expiryStatus(daysLeft: days)
                    if let position = index[notification.userID] {
                        byUser[position].lines.append(line)
                    } else {
                        index[notification.userID] = byUser.count
                        byUser.append((notification.email, [line]))
                    }
                }
                for (email, lines) in byUser {
                    let summary = lines.count == 1 ? "You have 1 stock item approaching its expiry date"
                        : "You have \(lines.count) stock items approaching their expiry dates"
                    try EmailTask.enqueue(MailMessage(to: [email], subject: "Stale stock notification",
                                                      body: ([summary, ""] + lines).joined(separator: "\n")), on: connection)
                }
                return "\(byUser.count) notification(s) of \(due.count) item(s)"
            }
        })
        registry.schedule(PeriodicTask(name: name, interval: interval))
    }

    /// InvenTree's wording in the stale stock e-mail.
    static func expiryStatus(daysLeft: Int) -> String {
        if daysLeft < 0 { return "Expired \(-daysLeft) days ago" }
        if daysLeft == 0 { return "Expires today" }
        return "\(daysLeft) days"
    }
}
