import Daemon

/// Resource rows rendered as JSON objects, kept for one data version: the `stockroom_dataversion` counter that
/// every committed change raises, and the date (fields such as `expired` and `stale` depend on it).
///
/// A reader passes the version it saw in the same snapshot as the rows it asks for. A later version empties the
/// cache and becomes its version; an earlier one (a reader whose snapshot predates a commit) is neither served
/// nor stored, so a row cached from a newer snapshot never reaches a reader of an older one, and a row rendered
/// before a commit never reaches a reader who sees that commit.
///
/// Rows are kept per selection (the resource and its shown fields) and per user (fields such as `starred` are
/// the user's). Past `capacity` bytes the cache empties and starts again.
final class RowCache: @unchecked Sendable {
    struct Version: Equatable {
        let counter: Int64
        let day: String
    }

    struct RowKey: Hashable {
        let userID: Int
        let id: Int
    }

    private let lock = Lock()
    private var version: Version?
    private var selections: [String: [RowKey: [UInt8]]] = [:]
    private var size = 0
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The cached rows among `ids` (by id), or nil when this reader's version is older than the cache's.
    func rows(_ ids: [Int], selection: String, userID: Int, version: Version) -> [Int: [UInt8]]? {
        lock.withLock {
            guard adopt(version) else { return nil }
            guard let rows = selections[selection] else { return [:] }
            var found: [Int: [UInt8]] = [:]
            for id in ids {
                if let row = rows[RowKey(userID: userID, id: id)] { found[id] = row }
            }
            return found
        }
    }

    /// Keeps `rows` (id and rendered object) read at `version`, unless the cache has moved past it.
    func store(_ rows: [(id: Int, json: [UInt8])], selection: String, userID: Int, version: Version) {
        lock.withLock {
            guard adopt(version) else { return }
            let added = rows.reduce(0) { $0 + $1.json.count }
            if size + added > capacity {
                selections = [:]
                size = 0
            }
            guard added <= capacity else { return }
            for row in rows {
                selections[selection, default: [:]][RowKey(userID: userID, id: row.id)] = row.json
            }
            size += added
        }
    }

    /// Whether a reader of `seen` may use the cache, emptying it first when `seen` is newer. Call with the lock held.
    private func adopt(_ seen: Version) -> Bool {
        guard let current = version else {
            version = seen
            return true
        }
        if seen == current { return true }
        if seen.counter < current.counter { return false }
        if seen.counter == current.counter && seen.day < current.day { return false }
        version = seen
        selections = [:]
        size = 0
        return true
    }

    var byteCount: Int { lock.withLock { size } }
}
