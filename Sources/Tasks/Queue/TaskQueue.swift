import FoundationEssentials
import Postgres

/// Enqueueing and inspecting tasks. Enqueue runs on the caller's connection, inside the caller's
/// transaction if one is open: a task for a change that rolls back never exists, and the wake-up
/// (`pg_notify`) is delivered only when the transaction commits.
public enum TaskQueue {
    /// The LISTEN channel workers wait on; the payload is the queue name.
    public static let channel = "stockroom_tasks"
    public static let defaultQueue = "default"

    /// How to enqueue.
    public struct Options: Sendable {
        public var queue: String = TaskQueue.defaultQueue
        /// Higher runs first.
        public var priority: Int = 0
        /// Not before this delay from now (database time).
        public var delay: Duration = .zero
        /// Attempts before the task stays failed.
        public var maxAttempts: Int = 5
        /// A second enqueue with the same key is a no-op while the first is pending.
        public var uniqueKey: String? = nil
        public init(queue: String = TaskQueue.defaultQueue, priority: Int = 0, delay: Duration = .zero,
                    maxAttempts: Int = 5, uniqueKey: String? = nil) {
            self.queue = queue
            self.priority = priority
            self.delay = delay
            self.maxAttempts = maxAttempts
            self.uniqueKey = uniqueKey
        }
    }

    static let insert = PreparedStatement("""
        WITH inserted AS (
            INSERT INTO task_queue (name, args, queue, priority, run_after, max_attempts, unique_key)
            VALUES ($1, $2::jsonb, $3, $4, now() + make_interval(secs => $5), $6, $7)
            ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL AND state IN ('available', 'running') DO NOTHING
            RETURNING id, queue
        )
        SELECT id, pg_notify('\(channel)', queue) FROM inserted
        """)

    /// Adds a task with JSON `arguments`; returns its id, or nil when `uniqueKey` matched a pending task.
    @discardableResult
    public static func enqueue(on connection: PostgresConnection, name: String, arguments: String = "{}",
                               options: Options = Options()) throws -> Int64? {
        guard !name.isEmpty else { throw TaskFailure("a task needs a name") }
        guard options.maxAttempts >= 1 else { throw TaskFailure("maxAttempts must be at least 1, not \(options.maxAttempts)") }
        let seconds = Double(options.delay.nanoseconds) / 1e9
        let result = try connection.query(insert, [
            name, PostgresJSON(arguments), options.queue, options.priority, seconds, options.maxAttempts,
            options.uniqueKey,
        ])
        guard let row = result.first else { return nil }
        return try row.decode(0, as: Int64.self)
    }

    /// Adds a task whose arguments are `arguments` encoded as JSON.
    @discardableResult
    public static func enqueue<Arguments: Encodable>(on connection: PostgresConnection, name: String,
                                                     arguments: Arguments, options: Options = Options()) throws -> Int64? {
        let data = try JSONEncoder().encode(arguments)
        return try enqueue(on: connection, name: name, arguments: String(decoding: data, as: UTF8.self), options: options)
    }

    /// Tasks waiting to run (available), counting those not due yet.
    public static func pendingCount(on connection: PostgresConnection) throws -> Int {
        try connection.query(countPending).singleRow().decode(0, as: Int.self)
    }
    static let countPending = PreparedStatement("SELECT count(*) FROM task_queue WHERE state = 'available'")

    /// Makes a failed or cancelled task available again with a fresh attempt count; false if it is not failed or cancelled.
    @discardableResult
    public static func retry(on connection: PostgresConnection, id: Int64) throws -> Bool {
        try connection.execute("""
            WITH retried AS (
                UPDATE task_queue SET state = 'available', attempt = 0, run_after = now(), finished_at = NULL
                WHERE id = $1 AND state IN ('failed', 'cancelled') RETURNING queue
            )
            SELECT pg_notify('\(channel)', queue) FROM retried
            """, [id]) == 1
    }

    /// Cancels an available task; false if it is not available.
    @discardableResult
    public static func cancel(on connection: PostgresConnection, id: Int64) throws -> Bool {
        try connection.execute(
            "UPDATE task_queue SET state = 'cancelled', finished_at = now() WHERE id = $1 AND state = 'available'", [id]) == 1
    }
}
