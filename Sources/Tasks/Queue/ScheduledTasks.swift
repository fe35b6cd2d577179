import FoundationEssentials
import Postgres

/// The periodic tasks the workers have scheduled (`task_schedule`), with the task of each one's current period.
public enum ScheduledTasks {
    public struct Row: Sendable {
        public let id: Int64
        public let name: String
        /// nil for a row written before the interval was recorded (it is filled in at the next period).
        public let intervalSeconds: Double?
        public let periodStart: Date
        /// The task enqueued for the current period, if it is still in the queue.
        public let task: TaskQueue.Row?

        /// When the next period starts.
        public var nextRun: Date? { intervalSeconds.map { periodStart.addingTimeInterval($0) } }
    }

    /// Every scheduled periodic task, by id.
    public static func list(on connection: PostgresConnection) throws -> [Row] {
        let schedules = try connection.query(
            "SELECT id, name, interval_seconds, period_start, task_id FROM task_schedule ORDER BY id")
            .map { row in
                (id: try row.decode("id", as: Int64.self), name: try row.decode("name", as: String.self),
                 interval: try row.decode("interval_seconds", as: Double?.self),
                 start: try row.decode("period_start", as: Date.self), task: try row.decode("task_id", as: Int64?.self))
            }
        let taskIDs = schedules.compactMap(\.task)
        let tasks = taskIDs.isEmpty ? [:] : Dictionary(
            try TaskQueue.page(on: connection, TaskQueue.Selection(states: TaskState.allCases, ids: taskIDs)).rows
                .map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return schedules.map { schedule in
            Row(id: schedule.id, name: schedule.name, intervalSeconds: schedule.interval, periodStart: schedule.start,
                task: schedule.task.flatMap { tasks[$0] })
        }
    }

    /// How many periodic tasks are scheduled.
    public static func count(on connection: PostgresConnection) throws -> Int {
        try connection.query("SELECT count(*) FROM task_schedule").singleRow().decode(0, as: Int.self)
    }
}
