import Daemon
import Postgres

/// Housekeeping run periodically by whichever worker gets there first.
public enum MaintenanceTasks {
    public static let deleteFinishedTasks = "maintenance.delete_finished_tasks"
    public static let deleteExpiredSessions = "maintenance.delete_expired_sessions"
    public static let deleteStaleRegistrations = "maintenance.delete_stale_registrations"

    /// What is kept how long.
    public struct Retention: Sendable {
        /// Succeeded and cancelled tasks (`task_retention`); failed ones stay until an administrator acts.
        public var finishedTasks: Duration = .seconds(7 * 86_400)
        /// Expired API tokens are kept this long after their expiry date, so their owners see why they fail.
        public var expiredTokens: Duration = .seconds(30 * 86_400)
        public init() {}
        public init(_ configuration: Configuration) throws {
            finishedTasks = try configuration.duration("task_retention", default: finishedTasks)
            expiredTokens = try configuration.duration("token_retention", default: expiredTokens)
        }
    }

    /// Registers the maintenance tasks and their schedules.
    public static func register(in registry: inout TaskRegistry, retention: Retention) {
        let taskSeconds = Double(retention.finishedTasks.nanoseconds) / 1e9
        let tokenSeconds = Double(retention.expiredTokens.nanoseconds) / 1e9
        registry.register(TaskDefinition(name: deleteFinishedTasks, maxAttempts: 3, exclusive: true) { context in
            let count = try context.connection.execute("""
                DELETE FROM task_queue WHERE state IN ('succeeded', 'cancelled')
                AND finished_at < now() - make_interval(secs => $1)
                """, [taskSeconds])
            return "deleted \(count) finished task(s)"
        })
        registry.register(TaskDefinition(name: deleteExpiredSessions, maxAttempts: 3, exclusive: true) { context in
            let sessions = try context.connection.execute("DELETE FROM users_session WHERE expires_at < now()")
            let tokens = try context.connection.execute(
                "DELETE FROM users_apitoken WHERE expiry < (now() - make_interval(secs => $1))::date", [tokenSeconds])
            return "deleted \(sessions) expired session(s) and \(tokens) expired token(s)"
        })
        registry.register(TaskDefinition(name: deleteStaleRegistrations, maxAttempts: 3) { context in
            // Daemons refresh their row every 10 s; one silent for 10 minutes died without removing it.
            let count = try context.connection.execute(
                "DELETE FROM daemon_instances WHERE last_seen < now() - interval '10 minutes'")
            return "deleted \(count) stale daemon registration(s)"
        })
        registry.schedule(PeriodicTask(name: deleteFinishedTasks, interval: .seconds(3600)))
        registry.schedule(PeriodicTask(name: deleteExpiredSessions, interval: .seconds(3600)))
        registry.schedule(PeriodicTask(name: deleteStaleRegistrations, interval: .seconds(600)))
    }
}
