/// Puts the rows of each tree table parents first, since the tree trigger computes a row's path
/// from its parent's; a cycle of parents is refused.
enum TreeOrder {
    static let treeTables: Set<String> = ["part_partcategory", "stock_stocklocation"]

    static func sort(_ rows: inout [String: [PlannedRow]]) throws {
        for table in treeTables {
            guard let tableRows = rows[table] else { continue }
            var parentOf: [Int: Int] = [:]
            for row in tableRows {
                if let id = row.values["id"] as? Int, let parent = row.values["parent_id"] as? Int { parentOf[id] = parent }
            }
            var depth: [Int: Int] = [:]
            func depthOf(_ id: Int, row: PlannedRow) throws -> Int {
                var chain: [Int] = []
                var current = id
                while let parent = parentOf[current], depth[current] == nil {
                    if chain.contains(current) {
                        throw ImportError.record(row.record, field: "parent", "is its own ancestor (parents \(chain.map(String.init).joined(separator: " -> ")))")
                    }
                    chain.append(current)
                    current = parent
                }
                var level = depth[current] ?? 0
                for node in chain.reversed() {
                    level += 1
                    depth[node] = level
                }
                return depth[id] ?? 0
            }
            var keyed: [(depth: Int, index: Int, row: PlannedRow)] = []
            for (index, row) in tableRows.enumerated() {
                let id = row.values["id"] as? Int ?? 0
                keyed.append((try depthOf(id, row: row), index, row))
            }
            rows[table] = keyed.sorted { ($0.depth, $0.index) < ($1.depth, $1.index) }.map(\.row)
        }
    }
}
