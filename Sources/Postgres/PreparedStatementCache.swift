import CPostgres

/// Decides, per connection, which statement texts run as server-side prepared statements.
///
/// A text seen for the first time runs unprepared (`PQexecParams`); from its second use on it is prepared
/// once (`PQprepare`) and then run by name (`PQexecPrepared`). A `PreparedStatement` value is prepared on
/// its first use. A prepared statement keeps the parameter types of its preparation, so a text is
/// prepared once per combination of parameter types it is used with (an `Int` and a `Double` bound to
/// the same `$1` are two variants; a NULL fits any). At most `capacity` variants are prepared per
/// connection; further texts run unprepared.
struct PreparedStatementCache {
    /// How to run a statement.
    enum Plan: Equatable {
        case unprepared
        case prepare(name: String)
        case execute(name: String)
    }

    private struct Variant {
        let name: String
        let types: [PostgresTypeID]
    }

    let capacity: Int
    private var prepared: [String: [Variant]] = [:]
    private var preparedCount = 0
    private var seenOnce: Set<String> = []
    private var nextNumber = 1

    init(capacity: Int = 512) { self.capacity = capacity }

    /// The plan for `sql` with parameters of `types` (`isNull(i)` tells which are NULL);
    /// `prepareNow` asks for preparation on first use.
    mutating func plan(for sql: String, types: [PostgresTypeID], isNull: (Int) -> Bool, prepareNow: Bool) -> Plan {
        if let variants = prepared[sql] {
            for variant in variants where variant.types.count == types.count {
                var fits = true
                for index in types.indices where types[index] != variant.types[index] && !isNull(index) {
                    fits = false
                    break
                }
                if fits { return .execute(name: variant.name) }
            }
        } else if !prepareNow && seenOnce.insert(sql).inserted {
            if seenOnce.count > capacity * 4 { seenOnce = [sql] }
            return .unprepared
        }
        guard preparedCount < capacity else { return .unprepared }
        let name = "stockroom_\(nextNumber)"
        nextNumber += 1
        return .prepare(name: name)
    }

    /// Records that `sql` was prepared as `name` with parameter `types`.
    mutating func didPrepare(_ sql: String, name: String, types: [PostgresTypeID]) {
        prepared[sql, default: []].append(Variant(name: name, types: types))
        preparedCount += 1
        seenOnce.remove(sql)
    }

    /// Forgets the prepared statement `name` of `sql` (deallocated or invalid).
    mutating func forget(_ sql: String, name: String) {
        guard var variants = prepared[sql], let index = variants.firstIndex(where: { $0.name == name }) else { return }
        variants.remove(at: index)
        preparedCount -= 1
        prepared[sql] = variants.isEmpty ? nil : variants
    }

    /// Forgets everything (a new session has no prepared statements).
    mutating func reset() {
        prepared = [:]
        preparedCount = 0
        seenOnce = []
    }
}
