import FoundationEssentials
import HTTP
import Postgres
import Tasks

/// `/api/background-task/`: InvenTree's overview of the task queue, and its `pending/`, `scheduled/` and `failed/`
/// lists (pending and failed with InvenTree's bulk delete), plus `failed/<pk>/retry/`. Staff only, as InvenTree's
/// IsAdminUser.
enum BackgroundTaskEndpoints {
    static let base = "/api/background-task/"

    static func register(_ router: APIRouter, _ context: APIContext) {
        router.get(base) { call in
            try requireStaff(call)
            return try context.pool.withConnection { connection in
                JSONResponse.make(.object([
                    ("is_running", .bool(try ServerInfoEndpoint.workerCount(connection) > 0)),
                    ("pending_tasks", .int(try TaskQueue.count(on: connection, pending))),
                    ("scheduled_tasks", .int(try ScheduledTasks.count(on: connection))),
                    ("failed_tasks", .int(try TaskQueue.count(on: connection, failed))),
                ]))
            }
        }
        router.get(base + "pending/") { call in
            try requireStaff(call)
            return try page(call, context, pending, order: [], json: BackgroundTaskJSON.pending)
        }
        router.get(base + "scheduled/") { call in
            try requireStaff(call)
            var rows = try context.pool.withConnection { try ScheduledTasks.list(on: $0) }
            let words = (call.request.query("search") ?? "").lowercased().split(whereSeparator: { $0 == " " || $0 == "," })
            rows = rows.filter { row in words.allSatisfy { row.name.lowercased().contains($0) } }
            return call.list(all: sortedSchedules(rows, call.request.query("ordering")).map(BackgroundTaskJSON.scheduled))
        }
        router.get(base + "failed/") { call in
            try requireStaff(call)
            var selection = failed
            selection.search = call.request.query("search")
            let order = ordering(call.request.query("ordering"),
                                 ["pk": .id, "func": .name, "started": .startedAt, "stopped": .finishedAt])
            return try page(call, context, selection, order: order + [(.finishedAt, true)], json: BackgroundTaskJSON.failed)
        }
        for (path, selection) in [("pending/", pending), ("failed/", failed)] {
            router.add(.DELETE, base + path, .authenticated) { call in
                try requireStaff(call)
                do {
                    try bulkDelete(call, context, selection)
                } catch let errors as ValidationErrors {
                    return errors.response
                }
                return HTTPResponse(status: 204)
            }
        }
        router.add(.POST, base + "failed/:pk/retry/", .authenticated) { call in
            try requireStaff(call)
            guard let id = call.request.pathParameters["pk"].flatMap({ Int64($0) }) else { throw APIError.notFound("Failure") }
            return try context.pool.transaction { connection in
                guard let row = try TaskQueue.find(on: connection, id: id), row.state == TaskState.failed.rawValue else {
                    throw APIError.notFound("Failure")
                }
                try TaskQueue.retry(on: connection, id: id)
                guard let retried = try TaskQueue.find(on: connection, id: id) else { throw APIError.notFound("Failure") }
                return JSONResponse.make(BackgroundTaskJSON.pending(retried))
            }
        }
    }

    /// Waiting or running (django-q's queue holds a task until it is done).
    static let pending = TaskQueue.Selection(states: [.available, .running])
    static let failed = TaskQueue.Selection(states: [.failed])

    static func requireStaff(_ call: APICall) throws {
        guard call.user.user.isStaff else { throw APIError.permissionDenied }
    }

    static func page(_ call: APICall, _ context: APIContext, _ selection: TaskQueue.Selection,
                     order: [(key: TaskQueue.SortKey, descending: Bool)],
                     json: (TaskQueue.Row) -> JSONValue) throws -> HTTPResponse {
        let pagination = call.pagination
        let (rows, total) = try context.pool.withConnection {
            try TaskQueue.page(on: $0, selection, order: order, limit: pagination.limit, offset: pagination.limit == nil ? 0 : pagination.offset)
        }
        return call.list(rows.map(json), count: total)
    }

    /// DRF's OrderingFilter over `allowed` names (`-name` descending; unknown names ignored).
    static func ordering(_ text: String?, _ allowed: [String: TaskQueue.SortKey]) -> [(key: TaskQueue.SortKey, descending: Bool)] {
        (text ?? "").split(separator: ",").compactMap { term in
            let descending = term.hasPrefix("-")
            return allowed[String(descending ? term.dropFirst() : term)].map { ($0, descending) }
        }
    }

    /// Schedules by `ordering` (pk, func, last_run, next_run), else by next run as django-q's Schedule is.
    static func sortedSchedules(_ rows: [ScheduledTasks.Row], _ text: String?) -> [ScheduledTasks.Row] {
        let terms = (text ?? "").split(separator: ",").map { ($0.hasPrefix("-"), $0.hasPrefix("-") ? String($0.dropFirst()) : String($0)) }
        return rows.sorted { a, b in
            for (descending, name) in terms + [(false, "next_run")] {
                let order: ComparisonResult
                switch name {
                case "pk": order = compare(a.id, b.id)
                case "func": order = compare(a.name, b.name)
                case "last_run": order = compare(a.task?.startedAt ?? .distantPast, b.task?.startedAt ?? .distantPast)
                case "next_run": order = compare(a.nextRun ?? .distantFuture, b.nextRun ?? .distantFuture)
                default: continue
                }
                if order != .orderedSame { return (order == .orderedAscending) != descending }
            }
            return a.id < b.id
        }
    }

    static func compare<T: Comparable>(_ a: T, _ b: T) -> ComparisonResult {
        a < b ? .orderedAscending : a > b ? .orderedDescending : .orderedSame
    }

    /// InvenTree's BulkDeleteMixin over `selection`: items are task ids, filters match `func` (or `name`) exactly.
    static func bulkDelete(_ call: APICall, _ context: APIContext, _ selection: TaskQueue.Selection) throws {
        let bulk = try BulkSelection(try ResourceEndpoints.requestBody(call))
        var chosen = selection
        chosen.ids = bulk.ids.map { $0.map(Int64.init) }
        for (name, value) in bulk.filters ?? [] {
            guard name == "func" || name == "name", let text = value.stringValue else { throw BulkSelection.invalidFilters }
            chosen.names = (chosen.names ?? []) + [text]
        }
        let deleted = try context.pool.withConnection { try TaskQueue.delete(on: $0, chosen) }
        if deleted == 0 { throw BulkSelection.nothingFound }
    }
}
