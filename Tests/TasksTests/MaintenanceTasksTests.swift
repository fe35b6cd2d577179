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
