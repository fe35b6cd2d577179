import Daemon
import Postgres
@testable import Tasks
import XCTest

final class MaintenanceTasksTests: TasksDatabaseTestCase {
    func run(_ name: String, registry: TaskRegistry) throws -> String? {
        let definition = try XCTUnwrap(registry.definition(named: name))
        return try definition.body(TaskContext(id: 1, name: name, arguments: "{}", attempt: 1, maxAttempts: 1,
                                               connection: connection, deadline: monotonicNanoseconds() + 10_000_000_000))
    }

    func testMaintenanceDeletesOldFinishedTasksExpiredSessionsAndTokensAndStaleRegistrations() throws {
        var registry = TaskRegistry()
        MaintenanceTasks.register(in: &registry, retention: MaintenanceTasks.Retention())
        XCTAssertNoThrow(try registry.validate())
        XCTAssertEqual(Set(registry.periodic.map(\.name)), [MaintenanceTasks.deleteFinishedTasks,
                                                            MaintenanceTasks.deleteExpiredSessions,
                                                            MaintenanceTasks.deleteStaleRegistrations])
        try connection.runScript("""
            DELETE FROM users_session; DELETE FROM users_apitoken; DELETE FROM auth_user WHERE username = 'maint';
            INSERT INTO auth_user (username) VALUES ('maint');
            INSERT INTO task_queue (name, state, finished_at) VALUES
                ('old', 'succeeded', now() - interval '8 days'), ('recent', 'succeeded', now() - interval '1 day'),
                ('old-failure', 'failed', now() - interval '30 days'), ('old-cancel', 'cancelled', now() - interval '9 days');
            INSERT INTO users_session (key, user_id, csrf_token, expires_at)
                SELECT repeat('a', 40), id, 'c', now() - interval '1 minute' FROM auth_user WHERE username = 'maint'
                UNION ALL SELECT repeat('b', 40), id, 'c', now() + interval '1 day' FROM auth_user WHERE username = 'maint';
            INSERT INTO users_apitoken (key, user_id, expiry)
                SELECT 'expired-long-ago', id, current_date - 60 FROM auth_user WHERE username = 'maint'
                UNION ALL SELECT 'expired-yesterday', id, current_date - 1 FROM auth_user WHERE username = 'maint'
                UNION ALL SELECT 'no-expiry', id, NULL FROM auth_user WHERE username = 'maint';
            INSERT INTO daemon_instances (kind, host, pid, last_seen) VALUES
                ('worker', 'gone', 1, now() - interval '1 hour'), ('worker', 'alive', 2, now());
            """)
        XCTAssertEqual(try run(MaintenanceTasks.deleteFinishedTasks, registry: registry), "deleted 2 finished task(s)")
        XCTAssertEqual(try connection.query("SELECT name FROM task_queue ORDER BY name").map { try $0.decode(0, as: String.self) },
                       ["old-failure", "recent"], "failed tasks stay for an administrator")
        XCTAssertEqual(try run(MaintenanceTasks.deleteExpiredSessions, registry: registry),
                       "deleted 1 expired session(s) and 1 expired token(s)")
        XCTAssertEqual(try connection.query("SELECT key FROM users_apitoken ORDER BY key").map { try $0.decode(0, as: String.self) },
                       ["expired-yesterday", "no-expiry"])
        XCTAssertEqual(try count("SELECT count(*) FROM users_session"), 1)
        XCTAssertEqual(try run(MaintenanceTasks.deleteStaleRegistrations, registry: registry), "deleted 1 stale daemon registration(s)")
        XCTAssertEqual(try count("SELECT count(*) FROM daemon_instances"), 1)
    }

    func testAPeriodicTaskWithoutADefinitionIsRefused() {
        var registry = TaskRegistry()
        registry.schedule(PeriodicTask(name: "nothing", interval: .seconds(60)))
        XCTAssertThrowsError(try registry.validate()) { error in
            XCTAssertEqual("\(error)", "periodic task 'nothing' is scheduled but no task of that name is registered")
        }
    }
}

final class LowStockNotificationsTests: TasksDatabaseTestCase {
    func testStarringUsersGetOneEmailPerLowStockEvent() throws {
        var registry = TaskRegistry()
        LowStockNotifications.register(in: &registry)
        let definition = try XCTUnwrap(registry.definition(named: LowStockNotifications.name))
        func run() throws -> String? {
            try definition.body(TaskContext(id: 1, name: definition.name, arguments: "{}", attempt: 1, maxAttempts: 1,
                                            connection: connection, deadline: monotonicNanoseconds() + 10_000_000_000))
        }
        try connection.runScript("""
            DELETE FROM task_notification_sent; DELETE FROM stock_stockitem; DELETE FROM part_partstar; DELETE FROM part_part;
            DELETE FROM auth_user WHERE username IN ('starrer', 'nomail', 'bystander');
            INSERT INTO auth_user (username, email) VALUES ('starrer', 'starrer@example.org'), ('nomail', ''),
                ('bystander', 'bystander@example.org');
            INSERT INTO part_part (id, name, minimum_stock) VALUES (901, 'Resistor 10k', 100), (902, 'Capacitor', 0);
            INSERT INTO part_partstar (part_id, user_id) SELECT 901, id FROM auth_user WHERE username IN ('starrer', 'nomail');
            INSERT INTO part_partstar (part_id, user_id) SELECT 902, id FROM auth_user WHERE username = 'bystander';
            INSERT INTO stock_stockitem (part_id, quantity) VALUES (901, 40);
            -- Stock at a customer is not in hand.
            INSERT INTO stock_stockitem (part_id, quantity, customer_id) VALUES (901, 0, NULL);
            """)
        XCTAssertEqual(try run(), "1 notification(s)")
        let mails = try connection.query("SELECT args::text FROM task_queue WHERE name = 'email.send' ORDER BY id").map { try $0.decode(0, as: String.self) }
        XCTAssertEqual(mails.count, 1)
        XCTAssertTrue(mails[0].contains("starrer@example.org") && mails[0].contains("Low stock notification")
                      && mails[0].contains("The available stock for Resistor 10k has fallen below the configured minimum level"), mails[0])
        XCTAssertEqual(try run(), "0 notification(s)", "once per event")
        try connection.execute("UPDATE stock_stockitem SET quantity = 150 WHERE part_id = 901 AND quantity = 40")
        XCTAssertEqual(try run(), "0 notification(s)")
        XCTAssertEqual(try count("SELECT count(*) FROM task_notification_sent"), 0, "the event ended")
        try connection.execute("UPDATE stock_stockitem SET quantity = 10 WHERE part_id = 901 AND quantity = 150")
        XCTAssertEqual(try run(), "1 notification(s)", "a new drop is a new event")
    }
}
