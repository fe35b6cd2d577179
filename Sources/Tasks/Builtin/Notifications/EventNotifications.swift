import Postgres

/// Notifications sent once per event to each user who asked: an event is an object in force (a part below its
/// minimum, an order past its target date); `task_notification_sent` remembers whom it was sent to, and forgets it
/// when the object is no longer in force, so that the next time it is becomes a new event.
struct EventNotifications {
    /// The `kind` column of `task_notification_sent` (InvenTree's notification category, e.g. "part.notify_low_stock").
    let kind: String
    /// SQL listing the objects in force, with an `object_id` column and whatever the message shows.
    let objects: String
    /// CTE definitions (`name AS (...)`, comma separated) that `recipients` uses; they may read `objects` and recurse.
    var helpers: String = ""
    /// SQL over `objects` (and `helpers`) giving `object_id, user_id` pairs: who asked to hear of each object.
    let recipients: String

    /// A notification to send: the row of `objects` and the user it goes to.
    struct Due {
        let userID: Int
        let email: String
        let object: PostgresRow
    }

    /// Forgets events that ended, records the notifications now due and returns them (by user, then object); run it
    /// in the transaction that enqueues the e-mails, so that a rollback sends nothing and forgets nothing.
    func collect(on connection: PostgresConnection, _ parameters: [PostgresValue?] = []) throws -> [Due] {
        let kindParameter = "$\(parameters.count + 1)"
        let result = try connection.query("""
            WITH RECURSIVE objects AS (\(objects)),
            \(helpers.isEmpty ? "" : helpers + ",")
            cleared AS (
                DELETE FROM task_notification_sent n WHERE n.kind = \(kindParameter)
                AND NOT EXISTS (SELECT 1 FROM objects o WHERE o.object_id = n.object_id)
            ), due AS (
                SELECT DISTINCT r.object_id, r.user_id, u.email FROM (\(recipients)) r
                JOIN auth_user u ON u.id = r.user_id AND u.is_active AND u.email <> ''
                WHERE NOT EXISTS (SELECT 1 FROM task_notification_sent n
                                  WHERE n.kind = \(kindParameter) AND n.object_id = r.object_id AND n.user_id = r.user_id)
            ), recorded AS (
                INSERT INTO task_notification_sent (kind, object_id, user_id) SELECT \(kindParameter), object_id, user_id FROM due
            )
            SELECT due.user_id AS notified_user_id, due.email AS notified_email, objects.* FROM due
            JOIN objects ON objects.object_id = due.object_id
            ORDER BY due.user_id, due.object_id
            """, parameters + [kind])
        return try result.map { row in
            Due(userID: try row.decode("notified_user_id"), email: try row.decode("notified_email"), object: row)
        }
    }

    /// InvenTree's StockItem.IN_STOCK_FILTER over `s`: available statuses, not installed, not at a customer, not
    /// allocated to a sales order, not being built, not consumed.
    static let stockInHand = """
        s.quantity > 0 AND s.status IN (10, 50, 55) AND s.belongs_to_id IS NULL AND s.customer_id IS NULL
        AND s.sales_order_id IS NULL AND NOT s.is_building AND s.consumed_by_id IS NULL
        """

    /// Users subscribed to the part `objects.part_id`, as InvenTree's `Part.get_subscribers`: a star on the part or
    /// on a template it is a variant of (at any depth), or on its category or any category above it.
    static let partSubscriberHelpers = """
        ancestry (part_id, ancestor_id) AS (
            SELECT DISTINCT part_id, part_id FROM objects
            UNION
            SELECT a.part_id, p.variant_of_id FROM ancestry a JOIN part_part p ON p.id = a.ancestor_id
            WHERE p.variant_of_id IS NOT NULL
        ), subscribers (part_id, user_id) AS (
            SELECT a.part_id, star.user_id FROM ancestry a JOIN part_partstar star ON star.part_id = a.ancestor_id
            UNION
            SELECT p.id, star.user_id FROM part_part p JOIN part_partcategory c ON c.id = p.category_id
            JOIN part_partcategorystar star ON star.category_id = ANY (c.tree_path)
            WHERE p.id IN (SELECT part_id FROM objects)
        )
        """
    static let partSubscribers = "SELECT o.object_id, s.user_id FROM objects o JOIN subscribers s ON s.part_id = o.part_id"

    /// The users an order concerns, as InvenTree's overdue notifications: its creator (`objects.creator_id`) and its
    /// responsible owner (`objects.responsible_id`), a user or every member of a group.
    static let orderOwners = """
        SELECT o.object_id, o.creator_id AS user_id FROM objects o WHERE o.creator_id IS NOT NULL
        UNION
        SELECT o.object_id, coalesce(owner.user_id, member.user_id) FROM objects o
        JOIN users_owner owner ON owner.id = o.responsible_id
        LEFT JOIN auth_user_groups member ON member.group_id = owner.group_id
        WHERE coalesce(owner.user_id, member.user_id) IS NOT NULL
        """
}
