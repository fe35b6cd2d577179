/// Decides, per connection, which statement texts run as server-side prepared statements.
///
/// A text seen for the first time runs unprepared (`PQexecParams`); from its second use on it is prepared
/// once (`PQprepare`) and then run by name (`PQexecPrepared`). A `PreparedStatement` value is prepared on
/// its first use. At most `capacity` statements are prepared per connection; further texts run unprepared.
struct PreparedStatementCache {
    /// How to run a statement.
    enum Plan: Equatable {
        case unprepared
        case prepare(name: String)
        case execute(name: String)
    }

    let capacity: Int
    private(set) var prepared: [String: String] = [:]
    private var seenOnce: Set<String> = []
    private var nextNumber = 1

    init(capacity: Int = 512) { self.capacity = capacity }

    /// The plan for `sql`; `prepareNow` asks for preparation on first use.
    mutating func plan(for sql: String, prepareNow: Bool) -> Plan {
        if let name = prepared[sql] { return .execute(name: name) }
        guard prepared.count < capacity else { return .unprepared }
        if !prepareNow && seenOnce.insert(sql).inserted {
            if seenOnce.count > capacity * 4 { seenOnce = [sql] }
            return .unprepared
        }
        let name = "stockroom_\(nextNumber)"
        nextNumber += 1
        return .prepare(name: name)
    }

    /// Records that `sql` was prepared as `name`.
    mutating func didPrepare(_ sql: String, name: String) {
        prepared[sql] = name
        seenOnce.remove(sql)
    }

    /// Forgets `sql` (its prepared statement was deallocated or became invalid); returns its name.
    mutating func forget(_ sql: String) -> String? { prepared.removeValue(forKey: sql) }

    /// Forgets everything (a new session has no prepared statements).
    mutating func reset() {
        prepared = [:]
        seenOnce = []
    }
}
