import Glibc
import Postgres

/// A query parameter that narrows a list (django-filter's filters): it adds SQL conditions with bound values.
public struct ResourceFilter {
    public let name: String
    let apply: (String, inout FilterBuilder) throws -> Void

    /// A filter whose SQL `body` writes for the parameter's text.
    public init(_ name: String, _ apply: @escaping (String, inout FilterBuilder) throws -> Void) {
        self.name = name
        self.apply = apply
    }

    /// `sql = value` (text compared as it is, or as an integer when `integer`).
    public static func exact(_ name: String, _ sql: String, integer: Bool = false) -> ResourceFilter {
        ResourceFilter(name) { text, builder in
            if integer {
                guard let value = Int(text) else { throw ValidationErrors(name, ValidationErrors.Message.enterNumber) }
                builder.add("\(sql) = \(builder.bind(value))")
            } else {
                builder.add("\(sql) = \(builder.bind(text))")
            }
        }
    }

    /// A boolean (django-filter's BooleanWidget: true/True/1, false/False/0, anything else ignored):
    /// `condition` when true, its negation when false.
    public static func boolean(_ name: String, _ condition: String) -> ResourceFilter {
        ResourceFilter(name) { text, builder in
            guard let value = FilterBuilder.boolean(text) else { return }
            builder.add(value ? "(\(condition))" : "NOT (\(condition))")
        }
    }

    /// A boolean over two conditions: `whenTrue` or `whenFalse`.
    public static func boolean(_ name: String, whenTrue: String, whenFalse: String) -> ResourceFilter {
        ResourceFilter(name) { text, builder in
            guard let value = FilterBuilder.boolean(text) else { return }
            builder.add(value ? whenTrue : whenFalse)
        }
    }

    /// A related object (`ModelChoiceFilter`): the object must exist in `table` (400 with django's message
    /// otherwise), then `condition` (with `$` standing for the bound primary key) applies. Empty text: no filter.
    public static func related(_ name: String, table: String, condition: String) -> ResourceFilter {
        ResourceFilter(name) { text, builder in
            guard let id = try builder.relatedObject(name, text, table: table) else { return }
            builder.add(condition.replacingPlaceholder(with: builder.bind(id)))
        }
    }
}

/// Collects a list's WHERE conditions and their bound values; filters use it to check related objects.
public struct FilterBuilder {
    public private(set) var conditions: [String] = []
    public private(set) var parameters: [PostgresValue?] = []
    let connection: PostgresConnection
    /// The signed-in user (for `starred`-style filters).
    public let userID: Int
    /// The request's query parameters (filters that read companions such as `cascade`).
    public let query: (String) -> String?

    /// `$1` is always the user's id (see `ResourceReader.userGuard`).
    init(connection: PostgresConnection, userID: Int, query: @escaping (String) -> String? = { _ in nil }) {
        self.connection = connection
        self.userID = userID
        self.query = query
        parameters = [userID]
    }

    /// Adds a condition.
    public mutating func add(_ condition: String) { conditions.append(condition) }

    /// Binds `value` and returns its placeholder (`$3`).
    public mutating func bind(_ value: PostgresValue) -> String {
        parameters.append(value)
        return "$\(parameters.count)"
    }

    /// The primary key of an existing row of `table` named by `text`; nil for empty text; 400 otherwise.
    public func relatedObject(_ name: String, _ text: String, table: String) throws -> Int? {
        if text.isEmpty { return nil }
        guard let id = Int(text),
              try !ResourceSQL.query(connection, "SELECT 1 FROM \(table) WHERE id = $1", [id]).isEmpty else {
            throw ValidationErrors(name, ValidationErrors.Message.invalidChoice)
        }
        return id
    }

    var whereClause: String { conditions.isEmpty ? "true" : conditions.joined(separator: " AND ") }
    var isUnfiltered: Bool { conditions.isEmpty }

    /// django-filter's BooleanWidget.
    public static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: return nil
        }
    }

    /// InvenTree's `str2bool` (for `*_detail` flags).
    public static func flag(_ text: String?) -> Bool? {
        guard let text else { return nil }
        return ["1", "y", "yes", "t", "true", "on"].contains(text.lowercased())
    }
}

extension String {
    /// Replaces each `$` not followed by a digit with `placeholder`.
    func replacingPlaceholder(with placeholder: String) -> String {
        var out = ""
        var iterator = makeIterator()
        var pending: Character? = iterator.next()
        while let character = pending {
            let next = iterator.next()
            if character == "$", !(next?.isNumber ?? false) { out += placeholder } else { out.append(character) }
            pending = next
        }
        return out
    }
}

/// Every statement the resources run goes through here, so tests can count them per request.
public enum ResourceSQL {
    /// Called with each statement's text before it runs (test hook: counting queries per request).
    nonisolated(unsafe) public static var observer: ((String) -> Void)?

    /// Runs `sql` as a prepared statement with `parameters`.
    @discardableResult
    public static func query(_ connection: PostgresConnection, _ sql: String, _ parameters: [PostgresValue?] = []) throws -> PostgresResult {
        observer?(sql)
        try useGenericPlans(connection)
        return try connection.query(PreparedStatement(sql), parameters)
    }

    private static let lock = ResourceLock()
    nonisolated(unsafe) private static var configured = Set<String>()

    /// The resources' statements are large (dozens of subqueries) and cheap to run: planning them anew for every
    /// execution (PostgreSQL's custom plans) would cost more than running them, so each connection keeps the
    /// generic plan of a prepared statement. Set once per server session, outside a transaction: a SET inside one
    /// is undone if it rolls back, and the connection would then replan these statements on every execution.
    private static func useGenericPlans(_ connection: PostgresConnection) throws {
        let key = "\(ObjectIdentifier(connection).hashValue)/\(connection.serverProcessID)"
        if lock.withLock({ configured.contains(key) }) { return }
        try connection.execute("SET plan_cache_mode = force_generic_plan")
        guard !connection.isInTransaction else { return }
        lock.withLock { _ = configured.insert(key) }
    }
}

/// A pthread mutex for the few shared sets of this module.
final class ResourceLock: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }
}
