import Foundation

/// What InvenTree's own data migrations did to the records of an older export on the way to API
/// 530, done here to the planned rows so that an old export and a new one give the same data.
/// Each step does nothing to an export that is already up to date.
enum Upgrades {
    /// The rule sets of API 530, in the order InvenTree creates missing ones.
    static let ruleSetNames = [
        "admin", "part_category", "part", "bom", "stock_location", "stock", "build", "purchase_order", "sales_order",
        "return_order", "transfer_order",
    ]
    /// Rule sets InvenTree has removed (their rows are dropped).
    static let removedRuleSets: Set<String> = ["stocktake"]

    /// Applies every step; returns one line per step that changed something.
    static func apply(to plan: inout ImportPlan) -> [String] {
        var notes: [String] = []
        if let note = upgradeRuleSets(&plan) { notes.append(note) }
        if let note = fillTrackingParts(&plan) { notes.append(note) }
        return notes
    }

    /// InvenTree's migrations removed the `stocktake` role, gave every group a `bom` rule set copied
    /// from its `part` rule set, and create any other missing rule set of a group with no
    /// permissions. Groups with no rule sets at all in the file are left alone.
    static func upgradeRuleSets(_ plan: inout ImportPlan) -> String? {
        guard var rows = plan.rows["users_ruleset"], !rows.isEmpty else { return nil }
        let before = rows.count
        rows.removeAll { removedRuleSets.contains($0.values["name"] as? String ?? "") }
        let dropped = before - rows.count
        var byGroup: [Int: [String: PlannedRow]] = [:]
        for row in rows {
            if let group = row.values["group_id"] as? Int, let name = row.values["name"] as? String { byGroup[group, default: [:]][name] = row }
        }
        var nextID = (rows.compactMap { $0.values["id"] as? Int }.max() ?? 0) + 1
        var added: [String: Int] = [:]
        for name in ruleSetNames {
            for group in byGroup.keys.sorted() where byGroup[group]?[name] == nil {
                guard var template = rows.first(where: { $0.values["group_id"] as? Int == group })?.record else { continue }
                var values: [String: Any] = ["id": nextID, "name": name, "group_id": group,
                                             "can_view": false, "can_add": false, "can_change": false, "can_delete": false]
                if name == "bom", let part = byGroup[group]?["part"] {
                    for permission in ["can_view", "can_add", "can_change", "can_delete"] { values[permission] = part.values[permission] ?? false }
                    template = part.record
                }
                let row = PlannedRow(values: values, record: template)
                rows.append(row)
                byGroup[group, default: [:]][name] = row
                added[name, default: 0] += 1
                nextID += 1
            }
        }
        guard dropped > 0 || !added.isEmpty else { return nil }
        plan.rows["users_ruleset"] = rows
        var parts: [String] = []
        if let bom = added["bom"] { parts.append("\(bom) `bom` rule set(s) added, copied from each group's `part` rule set") }
        let others = added.filter { $0.key != "bom" }.sorted { $0.key < $1.key }
        if !others.isEmpty { parts.append(others.map { "\($0.value) `\($0.key)`" }.joined(separator: ", ") + " rule set(s) added without permissions") }
        if dropped > 0 { parts.append("\(dropped) rule set(s) of removed roles (\(removedRuleSets.sorted().joined(separator: ", "))) dropped") }
        return "users.ruleset: " + parts.joined(separator: "; ")
    }

    /// API 530 records the part on each stock tracking entry; older exports only have the item.
    static func fillTrackingParts(_ plan: inout ImportPlan) -> String? {
        guard var rows = plan.rows["stock_stockitemtracking"] else { return nil }
        var partOfItem: [Int: Int] = [:]
        for row in plan.rows["stock_stockitem"] ?? [] {
            if let id = row.values["id"] as? Int, let part = row.values["part_id"] as? Int { partOfItem[id] = part }
        }
        var filled = 0
        for index in rows.indices where rows[index].values["part_id"] == nil {
            if let item = rows[index].values["item_id"] as? Int, let part = partOfItem[item] {
                rows[index].values["part_id"] = part
                filled += 1
            }
        }
        guard filled > 0 else { return nil }
        plan.rows["stock_stockitemtracking"] = rows
        return "stock.stockitemtracking: part filled in from the stock item for \(filled) entries"
    }
}
