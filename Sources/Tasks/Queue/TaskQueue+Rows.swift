import FoundationEssentials
import Postgres

/// Reading and deleting rows of the queue, as `stockroom tasks` and `/api/background-task/` do.
extension TaskQueue {
    /// One row of the queue.
    public struct Row: Sendable {
        public let id: Int64
        public let name: String
        public let arguments: String
        public let queue: String
        public let state: String
        public let attempt: Int
        public let maxAttempts: Int
        public let runAfter: Date
        public let createdAt: Date
        public let startedAt: Date?
        public let finishedAt: Date?
        public let leaseOwner: String?
        public let lastError: String?
        public let errorContext: String?
        public let result: String?
    }

    /// Which rows: every condition given must hold.
    public struct Selection: Sendable {
        public var states: [TaskState]
        /// nil: any id.
        public var ids: [Int64]?
        /// Exact task names; nil: any name.
        public var names: [String]?
        /// Every word must appear in the name (any case).
        public var search: String?

        public init(states: [TaskState], ids: [Int64]? = nil, names: [String]? = nil, search: String? = nil) {
            self.states = states
            self.ids = ids
            self.names = names
            self.search = search
        }

        /// The WHERE condition and its parameters.
        var condition: (sql: String, parameters: [PostgresValue?]) {
            var parameters: [PostgresValue?] = [TaskLeases.arrayLiteral(states.map(\.rawValue))]
            var conditions = ["state = ANY($1::text[])"]
            if let ids {
                parameters.append("{" + ids.map(String.init).joined(separator: ",") + "}")
                conditions.append("id = ANY($\(parameters.count)::bigint[])")
            }
            if let names {
                parameters.append(TaskLeases.arrayLiteral(names))
                conditions.append("name = ANY($\(parameters.count)::text[])")
            }
            for word in (search ?? "").split(whereSeparator: { $0 == " " || $0 == "," }) {
                parameters.append("%" + Self.escapeLike(word) + "%")
                conditions.append("name ILIKE $\(parameters.count)")
            }
            return (conditions.joined(separator: " AND "), parameters)
        }

        private static func escapeLike(_ word: Substring) -> String {
            var escaped = ""
            for character in word {
                if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
                escaped.append(character)
            }
            return escaped
        }
    }

    /// What a page of rows is sorted by (the id always ends the order).
    public enum SortKey: String, Sendable {
        case id, name, createdAt = "created_at", startedAt = "started_at", finishedAt = "finished_at"
    }

    private static let columns = """
        id, name, args::text AS args, queue, state, attempt, max_attempts, run_after, created_at, started_at,
        finished_at, lease_owner, last_error, error_context, result
        """

    /// The tasks in `states`, oldest first, at most `limit`.
    public static func list(on connection: PostgresConnection, states: [TaskState], limit: Int = 100) throws -> [Row] {
        try page(on: connection, Selection(states: states), limit: limit).rows
    }

    /// The rows of `selection` sorted by `order` (then id), `offset` of them skipped and at most `limit` (nil: all),
    /// with the number of rows in the whole selection.
    public static func page(on connection: PostgresConnection, _ selection: Selection,
                            order: [(key: SortKey, descending: Bool)] = [], limit: Int? = nil,
                            offset: Int = 0) throws -> (rows: [Row], total: Int) {
        let (condition, parameters) = selection.condition
        let orderBy = (order.map { "\($0.key.rawValue) \($0.descending ? "DESC" : "ASC") NULLS LAST" } + ["id"])
            .joined(separator: ", ")
        let window = (limit.map { " LIMIT \(max(0, $0))" } ?? "") + " OFFSET \(max(0, offset))"
        let rows = try connection.query(
            "SELECT \(columns) FROM task_queue WHERE \(condition) ORDER BY \(orderBy)\(window)", parameters).map(decodeRow)
        let total = limit == nil && offset == 0 ? rows.count
            : try connection.query("SELECT count(*) FROM task_queue WHERE \(condition)", parameters).singleRow()
                .decode(0, as: Int.self)
        return (rows, total)
    }

    /// How many rows `selection` holds.
    public static func count(on connection: PostgresConnection, _ selection: Selection) throws -> Int {
        let (condition, parameters) = selection.condition
        return try connection.query("SELECT count(*) FROM task_queue WHERE \(condition)", parameters).singleRow()
            .decode(0, as: Int.self)
    }

    /// The task with `id`, if it exists.
    public static func find(on connection: PostgresConnection, id: Int64) throws -> Row? {
        try connection.query("SELECT \(columns) FROM task_queue WHERE id = $1", [id]).first.map(decodeRow)
    }

    /// Deletes the rows of `selection` that are not running (a running task belongs to its worker until it ends);
    /// returns how many were deleted.
    @discardableResult
    public static func delete(on connection: PostgresConnection, _ selection: Selection) throws -> Int {
        let (condition, parameters) = selection.condition
        return try connection.execute("DELETE FROM task_queue WHERE \(condition) AND state <> 'running'", parameters)
    }

    /// Deletes a task that is not running; false if there is none or it is running.
    @discardableResult
    public static func delete(on connection: PostgresConnection, id: Int64) throws -> Bool {
        try delete(on: connection, Selection(states: TaskState.allCases, ids: [id])) == 1
    }

    private static func decodeRow(_ row: PostgresRow) throws -> Row {
        Row(id: try row.decode("id"), name: try row.decode("name"), arguments: try row.decode("args"),
            queue: try row.decode("queue"), state: try row.decode("state"), attempt: try row.decode("attempt"),
            maxAttempts: try row.decode("max_attempts"), runAfter: try row.decode("run_after"),
            createdAt: try row.decode("created_at"), startedAt: try row.decode("started_at", as: Date?.self),
            finishedAt: try row.decode("finished_at", as: Date?.self),
            leaseOwner: try row.decode("lease_owner", as: String?.self),
            lastError: try row.decode("last_error", as: String?.self),
            errorContext: try row.decode("error_context", as: String?.self),
            result: try row.decode("result", as: String?.self))
    }
}
