import FoundationEssentials
import Postgres

/// The statements a worker runs on the queue. Every update of a claimed row is conditional on the
/// claim still holding it (same owner, same attempt, still running), so a task rescued from a worker
/// that lost its lease is never completed twice.
public enum TaskLeases {
    static let claimStatement = PreparedStatement("""
        WITH picked AS (
            SELECT id FROM task_queue
            WHERE state = 'available' AND queue = $1 AND run_after <= now()
            ORDER BY priority DESC, run_after, id
            LIMIT $2
            FOR UPDATE SKIP LOCKED
        )
        UPDATE task_queue t
        SET state = 'running', lease_owner = $3, lease_expires_at = now() + make_interval(secs => $4),
            attempt = t.attempt + 1, started_at = now()
        FROM picked WHERE t.id = picked.id
        RETURNING t.id, t.name, t.args::text, t.attempt, t.max_attempts,
            extract(epoch FROM now() - greatest(t.run_after, t.created_at))::float8
        """)

    /// Claims up to `limit` due tasks of `queues` for `owner`, highest priority and oldest first (queue by queue, in
    /// order: one queue per statement keeps the claim an ordered scan of the partial index, not a sort).
    public static func claim(on connection: PostgresConnection, queues: [String], limit: Int, owner: String,
                             lease: Duration) throws -> [ClaimedTask] {
        var claimed: [ClaimedTask] = []
        for queue in queues where claimed.count < limit {
            let result = try connection.query(claimStatement, [queue, limit - claimed.count, owner, seconds(lease)])
            claimed += try result.map { row in
                ClaimedTask(id: try row.decode(0), name: try row.decode(1), arguments: try row.decode(2),
                            attempt: try row.decode(3), maxAttempts: try row.decode(4), waitSeconds: try row.decode(5))
            }
        }
        return claimed
    }

    static let renewStatement = PreparedStatement("""
        UPDATE task_queue SET lease_expires_at = now() + make_interval(secs => $3)
        WHERE id = ANY($1::bigint[]) AND lease_owner = $2 AND state = 'running'
        RETURNING id, attempt
        """)

    /// Extends the leases of `tasks` (id and attempt); returns the ids whose lease this claim still holds.
    public static func renew(on connection: PostgresConnection, tasks: [(id: Int64, attempt: Int)], owner: String,
                             lease: Duration) throws -> Set<Int64> {
        guard !tasks.isEmpty else { return [] }
        let attempts = Dictionary(tasks.map { ($0.id, $0.attempt) }, uniquingKeysWith: { first, _ in first })
        let result = try connection.query(renewStatement, [arrayLiteral(tasks.map { String($0.id) }), owner, seconds(lease)])
        var held = Set<Int64>()
        for row in result {
            let id: Int64 = try row.decode(0)
            let attempt: Int = try row.decode(1)
            if attempts[id] == attempt { held.insert(id) }
        }
        return held
    }

    static let completeStatement = PreparedStatement("""
        UPDATE task_queue SET state = 'succeeded', result = $4, finished_at = now(), lease_owner = NULL,
            lease_expires_at = NULL
        WHERE id = $1 AND lease_owner = $2 AND attempt = $3 AND state = 'running'
        """)
    static let completeManyStatement = PreparedStatement("""
        UPDATE task_queue t SET state = 'succeeded', result = v.result, finished_at = now(), lease_owner = NULL,
            lease_expires_at = NULL
        FROM unnest($1::bigint[], $2::int[], $3::text[]) AS v(id, attempt, result)
        WHERE t.id = v.id AND t.lease_owner = $4 AND t.attempt = v.attempt AND t.state = 'running'
        RETURNING t.id
        """)

    /// Completes several tasks with their results in one statement; returns the ids whose claim still held the row.
    public static func completeMany(_ tasks: [(task: ClaimedTask, result: String?)], owner: String,
                                    on connection: PostgresConnection) throws -> Set<Int64> {
        guard !tasks.isEmpty else { return [] }
        let result = try connection.query(completeManyStatement, [
            arrayLiteral(tasks.map { String($0.task.id) }), arrayLiteral(tasks.map { String($0.task.attempt) }),
            arrayLiteral(tasks.map(\.result)), owner,
        ])
        return Set(try result.map { try $0.decode(0, as: Int64.self) })
    }

    static let retryStatement = PreparedStatement("""
        UPDATE task_queue SET state = 'available', run_after = now() + make_interval(secs => $4), last_error = $5,
            error_context = $6, lease_owner = NULL, lease_expires_at = NULL
        WHERE id = $1 AND lease_owner = $2 AND attempt = $3 AND state = 'running'
        """)
    static let failStatement = PreparedStatement("""
        UPDATE task_queue SET state = 'failed', last_error = $4, error_context = $5, finished_at = now(),
            lease_owner = NULL, lease_expires_at = NULL
        WHERE id = $1 AND lease_owner = $2 AND attempt = $3 AND state = 'running'
        """)
    static let releaseStatement = PreparedStatement("""
        WITH released AS (
            UPDATE task_queue SET state = 'available', attempt = attempt - 1, run_after = now() + make_interval(secs => $4),
                lease_owner = NULL, lease_expires_at = NULL
            WHERE id = $1 AND lease_owner = $2 AND attempt = $3 AND state = 'running'
            RETURNING queue
        )
        SELECT pg_notify('\(TaskQueue.channel)', queue) FROM released
        """)

    /// Performs a final action of `TaskLeaseStateMachine` for `task`; false when the claim no longer held the row.
    @discardableResult
    public static func settle(_ action: TaskLeaseStateMachine.Action, task: ClaimedTask, owner: String,
                              on connection: PostgresConnection) throws -> Bool {
        let key: [PostgresValue?] = [task.id, owner, task.attempt]
        switch action {
        case .complete(let result):
            return try connection.execute(completeStatement, key + [result]) == 1
        case .retry(let delay, let error, let context):
            return try connection.execute(retryStatement, key + [seconds(delay), error, context]) == 1
        case .fail(let error, let context):
            return try connection.execute(failStatement, key + [error, context]) == 1
        case .release(let delay):
            return try connection.query(releaseStatement, key + [seconds(delay)]).rowCount == 1
        case .none, .renewLease, .abandon:
            return false
        }
    }

    static let rescueStatement = PreparedStatement("""
        WITH expired AS (
            SELECT id FROM task_queue WHERE state = 'running' AND lease_expires_at < now()
            FOR UPDATE SKIP LOCKED
        ), rescued AS (
            UPDATE task_queue t
            SET state = CASE WHEN t.attempt >= t.max_attempts THEN 'failed' ELSE 'available' END,
                finished_at = CASE WHEN t.attempt >= t.max_attempts THEN now() END,
                last_error = 'the lease of ' || t.lease_owner || ' expired at ' || t.lease_expires_at
                    || ' (the worker died or lost the database) during attempt ' || t.attempt,
                run_after = now(), lease_owner = NULL, lease_expires_at = NULL
            FROM expired WHERE t.id = expired.id
            RETURNING t.queue
        ), notified AS (
            SELECT pg_notify('\(TaskQueue.channel)', queue) FROM (SELECT DISTINCT queue FROM rescued) queues
        )
        SELECT (SELECT count(*) FROM rescued)::int8, (SELECT count(*) FROM notified)
        """)

    /// Makes tasks whose lease expired available again (or failed, after their last attempt); returns how many.
    @discardableResult
    public static func rescueExpired(on connection: PostgresConnection) throws -> Int {
        try connection.query(rescueStatement).singleRow().decode(0, as: Int.self)
    }

    static let scheduleStatement = PreparedStatement("""
        WITH period AS (
            SELECT to_timestamp(floor(extract(epoch FROM now()) / $2) * $2) AS start
        ), advanced AS (
            INSERT INTO task_schedule (name, period_start, interval_seconds) SELECT $1, start, $2::float8 FROM period
            ON CONFLICT (name) DO UPDATE SET period_start = EXCLUDED.period_start, interval_seconds = EXCLUDED.interval_seconds
                WHERE task_schedule.period_start < EXCLUDED.period_start
            RETURNING period_start
        )
        SELECT to_char(period_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') FROM advanced
        """)

    static let recordScheduledTask = PreparedStatement("UPDATE task_schedule SET task_id = $2 WHERE name = $1")

    /// Enqueues `task` for the current period if no worker has yet; returns the new task's id, if this call enqueued it.
    /// Missed periods are not replayed: only the period that contains the database's `now()` counts.
    @discardableResult
    public static func schedule(_ task: PeriodicTask, maxAttempts: Int, on connection: PostgresConnection) throws -> Int64? {
        let interval = Double(max(1, task.interval.nanoseconds / 1_000_000_000))
        return try connection.transaction { connection in
            guard let row = try connection.query(scheduleStatement, [task.name, interval]).first else { return nil }
            let start: String = try row.decode(0)
            var options = TaskQueue.Options(maxAttempts: maxAttempts)
            options.uniqueKey = "\(task.name):\(start)"
            let id = try TaskQueue.enqueue(on: connection, name: task.name, arguments: task.arguments, options: options)
            if let id { try connection.execute(recordScheduledTask, [task.name, id]) }
            return id
        }
    }

    static func seconds(_ duration: Duration) -> Double { Double(duration.nanoseconds) / 1e9 }

    /// `values` as a PostgreSQL array literal (each element double-quoted and escaped).
    static func arrayLiteral(_ values: [String]) -> String {
        arrayLiteral(values.map { Optional($0) })
    }

    /// `values` as a PostgreSQL array literal, nil as NULL.
    static func arrayLiteral(_ values: [String?]) -> String { PostgresArrayLiteral(values).literal }
}
