import Postgres

/// A kind of task the worker knows how to run: its name (what `enqueue` writes), its limits and its body.
public struct TaskDefinition: Sendable {
    /// The name stored in `task_queue.name`, e.g. "email.send".
    public let name: String
    /// Attempts before the task stays failed (used by `enqueue` when the caller gives none).
    public var maxAttempts: Int
    /// The longest one run may take; past it the run counts as failed.
    public var timeLimit: Duration
    /// True if two runs of this task must never overlap, on any worker (a Redis or advisory lock).
    public var exclusive: Bool
    /// The body: returns a short result summary (stored in `result`) or throws.
    public let body: @Sendable (TaskContext) throws -> String?

    public init(name: String, maxAttempts: Int = 5, timeLimit: Duration = .seconds(300), exclusive: Bool = false,
                body: @escaping @Sendable (TaskContext) throws -> String?) {
        self.name = name
        self.maxAttempts = max(1, maxAttempts)
        self.timeLimit = timeLimit
        self.exclusive = exclusive
        self.body = body
    }
}

/// A task enqueued by the worker itself once per `interval`, on whichever worker gets there first.
public struct PeriodicTask: Sendable, Equatable {
    /// The registered task to enqueue.
    public let name: String
    /// The period; periods start at multiples of it since the Unix epoch (database time).
    public let interval: Duration
    /// The arguments of every enqueued run, as JSON.
    public let arguments: String

    public init(name: String, interval: Duration, arguments: String = "{}") {
        self.name = name
        self.interval = interval
        self.arguments = arguments
    }
}

/// What a task's body gets: its row, and the task thread's own database connection.
public final class TaskContext {
    public let id: Int64
    public let name: String
    /// The arguments as JSON text.
    public let arguments: String
    /// 1 for the first run.
    public let attempt: Int
    public let maxAttempts: Int
    /// The task thread's connection (outside any transaction; the body may open one).
    public let connection: PostgresConnection
    /// Monotonic nanoseconds after which the run counts as failed; long bodies should stop by then.
    public let deadline: UInt64

    init(id: Int64, name: String, arguments: String, attempt: Int, maxAttempts: Int, connection: PostgresConnection,
         deadline: UInt64) {
        self.id = id
        self.name = name
        self.arguments = arguments
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.connection = connection
        self.deadline = deadline
    }
}

/// A failure with more to say than its message: the context is stored beside the error for an administrator.
public struct TaskFailure: Error, CustomStringConvertible {
    public let description: String
    public let context: String
    public init(_ description: String, context: String = "") {
        self.description = description
        self.context = context
    }
}
