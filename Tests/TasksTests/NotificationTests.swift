import Daemon
import Glibc
import Postgres
@testable import Tasks
import XCTest

/// Stale and expired stock, and overdue orders: who gets the e-mail, and that each event is sent once.
final class NotificationTests: TasksDatabaseTestCase {
    func run(_ name: String) throws -> String? {
        var registry = TaskRegistry()
        StaleStockNotifications.register(in: &registry)
        OverdueOrderNotifications.register(in: &registry)
        LowStockNotifications.register(in: &registry)
        let definition = try XCTUnwrap(registry.definition(named: name))
        return try definition.body(TaskContext(id: 1, name: name, arguments: "{}", attempt: 1, maxAttempts: 1,
                                               connection: connection, deadline: monotonicNanoseconds() + 10_000_000_000))
    }

    /// The e-mails enqueued so far, oldest first.
    func mails() throws -> [MailMessage] {
        try connection.query("SELECT args::text FROM task_queue WHERE name = 'email.send' ORDER BY id").map { row in
            try JSONDecoder().decode(MailMessage.self, from: Data(try row.decode(0, as: String.self).utf8))
        }
    }

    /// Users: 901 stars the category above the part's, 902 stars the template the part is a variant of, 903 stars
    /// nothing, 904 stars the part but has no address; parts 901 (template) and 902 (its variant, in category 902).
    func makeUsersAndParts() throws {
        try connection.runScript("""
            DELETE FROM task_notification_sent; DELETE FROM stock_stockitem; DELETE FROM part_partstar;
            DELETE FROM part_partcategorystar; DELETE FROM part_part; DELETE FROM part_partcategory;
            DELETE FROM stock_stocklocation; DELETE FROM common_inventreesetting;
            DELETE FROM build_build; DELETE FROM order_purchaseorder; DELETE FROM order_salesorder;
            DELETE FROM users_owner; DELETE FROM auth_user_groups; DELETE FROM auth_group; DELETE FROM auth_user;
            INSERT INTO auth_user (id, username, email) VALUES (901, 'category-fan', 'fan@example.org'),
                (902, 'template-fan', 'template@example.org'), (903, 'bystander', 'bystander@example.org'),
                (904, 'nomail', '');
            INSERT INTO part_partcategory (id, name) VALUES (901, 'Chemicals');
            INSERT INTO part_partcategory (id, name, parent_id) VALUES (902, 'Glue', 901);
            INSERT INTO part_part (id, name, category_id) VALUES (901, 'Epoxy', 902);
            INSERT INTO part_part (id, name, category_id, variant_of_id) VALUES (902, 'Epoxy 5 min', 902, 901);
            INSERT INTO part_partcategorystar (category_id, user_id) VALUES (901, 901);
            INSERT INTO part_partstar (part_id, user_id) VALUES (901, 902), (902, 904);
            INSERT INTO stock_stocklocation (id, name) VALUES (901, 'Shelf A');
            """)
    }

    func testStaleAndExpiredStockGoToThePartsSubscribersOncePerEvent() throws {
        try makeUsersAndParts()
        try connection.runScript("""
            INSERT INTO stock_stockitem (id, part_id, quantity, location_id, expiry_date) VALUES
                (901, 902, 3, 901, current_date + 5),     -- stale: within the 10 days
                (902, 902, 1, NULL, current_date - 2),    -- expired
                (903, 902, 7, 901, current_date + 30),    -- fresh
                (904, 902, 0, 901, current_date - 1);     -- not in stock
            """)
        XCTAssertEqual(try run(StaleStockNotifications.name), "0 notification(s) of 0 item(s)", "expiry is off by default")
        try connection.runScript("""
            INSERT INTO common_inventreesetting (key, value) VALUES ('STOCK_ENABLE_EXPIRY', 'True'), ('STOCK_STALE_DAYS', '10');
            """)
        XCTAssertEqual(try run(StaleStockNotifications.name), "2 notification(s) of 4 item(s)")
        let sent = try mails()
        XCTAssertEqual(sent.map(\.to), [["fan@example.org"], ["template@example.org"]])
        XCTAssertEqual(sent.map(\.subject), ["Stale stock notification", "Stale stock notification"])
        XCTAssertEqual(sent[0].body, """
            You have 2 stock items approaching their expiry dates

            - Epoxy 5 min (quantity 3, in Shelf A): 5 days
            - Epoxy 5 min (quantity 1): Expired 2 days ago
            """)
        XCTAssertEqual(try run(StaleStockNotifications.name), "0 notification(s) of 0 item(s)", "once per event")

        // The stale item expires: a new event, for that item only.
        try connection.execute("UPDATE stock_stockitem SET expiry_date = current_date - 1 WHERE id = 901")
        XCTAssertEqual(try run(StaleStockNotifications.name), "2 notification(s) of 2 item(s)")
        XCTAssertEqual(try mails().last?.body, "You have 1 stock item approaching its expiry date\n\n"
                       + "- Epoxy 5 min (quantity 3, in Shelf A): Expired 1 days ago")
        // Stock used up ends the event; the notification log forgets it.
        try connection.execute("UPDATE stock_stockitem SET quantity = 0 WHERE id IN (901, 902)")
        XCTAssertEqual(try run(StaleStockNotifications.name), "0 notification(s) of 0 item(s)")
        XCTAssertEqual(try count("SELECT count(*) FROM task_notification_sent"), 0)
    }

    func testLowStockReachesCategorySubscribersToo() throws {
        try makeUsersAndParts()
        try connection.execute("UPDATE part_part SET minimum_stock = 10 WHERE id = 902")
        XCTAssertEqual(try run(LowStockNotifications.name), "2 notification(s)")
        XCTAssertEqual(try mails().map(\.to), [["fan@example.org"], ["template@example.org"]])
        XCTAssertEqual(try mails().first?.body, "The available stock for Epoxy 5 min has fallen below the configured minimum level")
    }

    func testOverdueOrdersGoToTheirCreatorAndResponsibleOwnerOnce() throws {
        try makeUsersAndParts()
        try connection.runScript("""
            INSERT INTO auth_group (id, name) VALUES (901, 'purchasing');
            INSERT INTO auth_user_groups (user_id, group_id) VALUES (902, 901), (903, 901);
            INSERT INTO users_owner (id, group_id) VALUES (901, 901);
            INSERT INTO users_owner (id, user_id) VALUES (902, 903);
            INSERT INTO order_purchaseorder (reference, target_date, status, created_by_id, responsible_id) VALUES
                ('PO-0001', current_date - 1, 20, 901, 901),  -- overdue, placed: creator and the group
                ('PO-0002', current_date - 1, 30, 901, NULL), -- complete
                ('PO-0003', current_date, 20, 901, NULL),     -- due today, not overdue
                ('PO-0004', current_date - 400, 10, 901, NULL); -- long past: history, not news
            INSERT INTO order_salesorder (reference, target_date, status, created_by_id, responsible_id) VALUES
                ('SO-0001', current_date - 3, 15, NULL, 902);
            INSERT INTO build_build (reference, part_id, target_date, status, issued_by_id) VALUES
                ('BO-0001', 901, current_date - 1, 20, 904);
            """)
        XCTAssertEqual(try run("notifications.overdue_purchase_orders"), "3 notification(s)")
        XCTAssertEqual(try run("notifications.overdue_sales_orders"), "1 notification(s)")
        XCTAssertEqual(try run("notifications.overdue_build_orders"), "0 notification(s)", "the issuer has no address")
        let sent = try mails()
        XCTAssertEqual(sent.map(\.to), [["fan@example.org"], ["template@example.org"], ["bystander@example.org"],
                                        ["bystander@example.org"]])
        XCTAssertEqual(sent[0].subject, "Overdue Purchase Order")
        XCTAssertEqual(sent[0].body, "Purchase order PO-0001 is now overdue")
        XCTAssertEqual(sent[3].subject, "Overdue Sales Order")
        XCTAssertEqual(sent[3].body, "Sales order SO-0001 is now overdue")
        XCTAssertEqual(try run("notifications.overdue_purchase_orders"), "0 notification(s)", "once per event")
        // A new target date that passes again is a new event.
        try connection.execute("UPDATE order_purchaseorder SET target_date = current_date + 1 WHERE reference = 'PO-0001'")
        XCTAssertEqual(try run("notifications.overdue_purchase_orders"), "0 notification(s)")
        try connection.execute("UPDATE order_purchaseorder SET target_date = current_date - 1 WHERE reference = 'PO-0001'")
        XCTAssertEqual(try run("notifications.overdue_purchase_orders"), "3 notification(s)")
    }

    func testTheWorkerMailsNotificationsThroughTheSMTPServer() throws {
        try makeUsersAndParts()
        try connection.runScript("""
            INSERT INTO common_inventreesetting (key, value) VALUES ('STOCK_ENABLE_EXPIRY', 'true'), ('STOCK_STALE_DAYS', '3');
            INSERT INTO stock_stockitem (part_id, quantity, expiry_date) VALUES (902, 2, current_date + 1);
            INSERT INTO order_purchaseorder (reference, target_date, status, created_by_id) VALUES ('PO-0042', current_date - 1, 10, 903);
            """)
        let server = try SMTPServer(scratch: environment.scratchDirectory)
        let worker = try WorkerProcess(databaseURL: databaseURL, redisURL: environment.redisURL,
                                       scratch: environment.scratchDirectory, settings: [
                                           "STOCKROOM_EMAIL_HOST": "127.0.0.1", "STOCKROOM_EMAIL_PORT": String(server.port),
                                           "STOCKROOM_EMAIL_SENDER": "stockroom@example.org",
                                       ])
        try worker.waitUntilReady()
        let messages = server.waitForMessages(3, timeout: 30)
        XCTAssertEqual(messages.count, 3, "worker stderr: \(worker.process.standardError.suffix(2000))")
        let overdue = messages.filter { $0.contains("Subject: [InvenTree] Overdue Purchase Order") }
        XCTAssertEqual(overdue.count, 1)
        XCTAssertTrue(overdue.first?.contains("To: bystander@example.org") ?? false, overdue.first ?? "")
        XCTAssertTrue(overdue.first?.contains("Purchase order PO-0042 is now overdue") ?? false, overdue.first ?? "")
        let stale = messages.filter { $0.contains("Subject: [InvenTree] Stale stock notification") }
        XCTAssertEqual(stale.count, 2)
        XCTAssertTrue(stale.contains { $0.contains("To: fan@example.org") } && stale.contains { $0.contains("To: template@example.org") },
                      "\(stale)")
        XCTAssertEqual(try worker.stop(), .exited(0))
        XCTAssertEqual(server.messages.count, 3, "each event once")
    }
}
