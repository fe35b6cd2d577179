import Postgres

/// What `/api/background-task/scheduled/` shows of a periodic task: a number to name it by, its interval, and the
/// task enqueued for its current period (the row may be gone after the retention period, so no foreign key).
enum Migration0012TaskScheduleDetails {
    static let migration = Migration(version: 12, name: "task_schedule_details", sql: """
        ALTER TABLE task_schedule
            ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
            ADD COLUMN interval_seconds double precision CHECK (interval_seconds > 0),
            ADD COLUMN task_id bigint;
        """)
}
