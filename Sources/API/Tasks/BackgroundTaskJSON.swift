import Tasks

/// Rows of the task queue in the shapes of InvenTree's django-q serializers (common/serializers.py).
enum BackgroundTaskJSON {
    /// PendingTaskSerializer (an `OrmQ` entry): a task waiting to run or running. `key` is the queue, `lock` the
    /// time it was last claimed (or enqueued, as django-q stamps new entries).
    static func pending(_ row: TaskQueue.Row) -> JSONValue {
        let (args, kwargs) = arguments(row.arguments)
        return .object([
            ("pk", .int(Int(row.id))), ("key", .string(row.queue)),
            ("lock", DRFDateTime.json(row.startedAt ?? row.createdAt)), ("task_id", .string(String(row.id))),
            ("name", .string(row.name)), ("func", .string(row.name)), ("args", .string(args)), ("kwargs", .string(kwargs)),
        ])
    }

    /// ScheduledTaskSerializer (a django-q `Schedule`): a periodic task, repeated forever, with the task of its
    /// current period as the last run.
    static func scheduled(_ row: ScheduledTasks.Row) -> JSONValue {
        let (args, kwargs) = arguments(row.task?.arguments ?? "{}")
        let success: JSONValue
        switch row.task?.state {
        case TaskState.succeeded.rawValue?: success = .bool(true)
        case TaskState.failed.rawValue?, TaskState.cancelled.rawValue?: success = .bool(false)
        default: success = .null
        }
        return .object([
            ("pk", .int(Int(row.id))), ("name", .string(row.name)), ("func", .string(row.name)),
            ("args", .string(args)), ("kwargs", .string(kwargs)),
            ("schedule_type", .string(scheduleType(row.intervalSeconds))), ("repeats", .int(-1)),
            ("last_run", DRFDateTime.json(row.task?.startedAt)), ("next_run", DRFDateTime.json(row.nextRun)),
            ("success", success), ("task", row.task.map { .string(String($0.id)) } ?? .null),
        ])
    }

    /// FailedTaskSerializer (a django-q `Failure`): `pk` is text there (django-q's task ids are), `result` the error
    /// with its context.
    static func failed(_ row: TaskQueue.Row) -> JSONValue {
        let (args, kwargs) = arguments(row.arguments)
        var result = row.lastError ?? ""
        if let context = row.errorContext, !context.isEmpty { result += "\n" + context }
        return .object([
            ("pk", .string(String(row.id))), ("name", .string(row.name)), ("func", .string(row.name)),
            ("args", .string(args)), ("kwargs", .string(kwargs)), ("started", DRFDateTime.json(row.startedAt)),
            ("stopped", DRFDateTime.json(row.finishedAt)), ("attempt_count", .int(row.attempt)),
            ("result", .string(result)),
        ])
    }

    /// Our tasks take one JSON document: a list shows as the positional arguments, anything else as the keywords.
    static func arguments(_ json: String) -> (args: String, kwargs: String) {
        json.hasPrefix("[") ? (json, "{}") : ("[]", json)
    }

    /// django-q's schedule types: H(ourly), D(aily), W(eekly), else I (every N minutes).
    static func scheduleType(_ seconds: Double?) -> String {
        switch seconds {
        case 3600?: return "H"
        case 86_400?: return "D"
        case 604_800?: return "W"
        default: return "I"
        }
    }
}
