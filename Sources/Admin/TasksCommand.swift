import Daemon
import FoundationEssentials
import Glibc
import Postgres
import Tasks

/// `stockroom tasks`: lists pending, running and failed tasks; shows one with its error context; retries or
/// deletes one.
enum TasksCommand {
    static let usage = """
        usage: stockroom tasks [list] [--state pending|running|failed|succeeded|all] [--limit N]
               stockroom tasks show ID
               stockroom tasks retry ID     (a failed or cancelled task runs again, attempts counted afresh)
               stockroom tasks delete ID    (any task that is not running)
        """

    static func main(_ arguments: [String]) throws -> Int32 {
        let options = try CommandOptions(arguments, valued: ["state-dir", "state", "limit"], flags: ["help"])
        if options.flag("help") {
            print(usage)
            return 0
        }
        let action = options.positional.first ?? "list"
        let database = try AdminDatabase.locate(stateDirectory: options.value("state-dir"))
        defer { database.release() }
        let connection = try PostgresConnection(database.url)
        switch action {
        case "list":
            guard options.positional.count == 1 || options.positional.isEmpty else { throw failure("list takes no arguments") }
            let states = try states(options.value("state") ?? "default")
            let rows = try TaskQueue.list(on: connection, states: states,
                                          limit: try options.int("limit", default: 100, range: 1...100_000))
            print(table(rows))
            return 0
        case "show", "retry", "delete":
            guard options.positional.count == 2, let id = Int64(options.positional[1]), id > 0 else {
                throw failure("\(action) needs one task id (a positive number), e.g. stockroom tasks \(action) 42")
            }
            guard let row = try TaskQueue.find(on: connection, id: id) else { throw failure("there is no task \(id)") }
            switch action {
            case "show":
                print(details(row))
            case "retry":
                guard try TaskQueue.retry(on: connection, id: id) else {
                    throw failure("task \(id) is \(shown(row.state)): only failed or cancelled tasks can be retried")
                }
                print("task \(id) (\(row.name)) will run again")
            default:
                guard try TaskQueue.delete(on: connection, id: id) else {
                    throw failure("task \(id) is running: it cannot be deleted until it finishes")
                }
                print("deleted task \(id) (\(row.name))")
            }
            return 0
        default:
            throw failure("unknown action '\(action)'\n\(usage)")
        }
    }

    static func states(_ text: String) throws -> [TaskState] {
        switch text {
        case "default": return [.available, .running, .failed]
        case "pending": return [.available]
        case "all": return TaskState.allCases
        default:
            guard let state = TaskState(rawValue: text) else {
                throw failure("unknown --state '\(text)': use pending, running, failed, succeeded, cancelled or all")
            }
            return [state]
        }
    }

    static func table(_ rows: [TaskQueue.Row]) -> String {
        if rows.isEmpty { return "no tasks" }
        let header = ["ID", "STATE", "ATTEMPT", "NAME", "RUN AFTER", "ERROR"]
        let lines = rows.map { row in
            [String(row.id), shown(row.state), "\(row.attempt)/\(row.maxAttempts)", row.name,
             timestamp(row.runAfter), String((row.lastError ?? "").prefix(60).map { $0.isNewline ? " " : $0 })]
        }
        let widths = header.indices.map { column in ([header] + lines).map { $0[column].count }.max() ?? 0 }
        return ([header] + lines).map { line in
            line.indices.map { $0 == line.count - 1 ? line[$0] : line[$0] + String(repeating: " ", count: widths[$0] - line[$0].count) }
                .joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func details(_ row: TaskQueue.Row) -> String {
        var lines = [
            "task \(row.id): \(row.name)",
            "state: \(shown(row.state)), attempt \(row.attempt) of \(row.maxAttempts), queue \(row.queue)",
            "arguments: \(row.arguments)",
            "created: \(timestamp(row.createdAt)), run after: \(timestamp(row.runAfter))",
        ]
        if let started = row.startedAt { lines.append("started: \(timestamp(started))") }
        if let finished = row.finishedAt { lines.append("finished: \(timestamp(finished))") }
        if let owner = row.leaseOwner { lines.append("running on: \(owner)") }
        if let result = row.result { lines.append("result: \(result)") }
        if let error = row.lastError { lines.append("error: \(error)") }
        if let context = row.errorContext { lines.append("context:\n  " + context.split(separator: "\n").joined(separator: "\n  ")) }
        return lines.joined(separator: "\n")
    }

    /// UTC, to the second: 2026-11-24 09:20:00Z.
    static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M:%SZ", &parts)
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// "pending" for available, as InvenTree's background task views call it.
    static func shown(_ state: String) -> String { state == TaskState.available.rawValue ? "pending" : state }

    static func failure(_ text: String) -> CommandOptions.Failure { CommandOptions.Failure(description: text) }
}
