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
        if let note = fillStockCreationDates(&plan) { notes.append(note) }
        if let note = upgradeBomQuantities(&plan) { notes.append(note) }
        if let note = fillTestableParts(&plan) { notes.append(note) }
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

    /// API 530 records when each stock item was created. InvenTree's migration (stock 0121) took
    /// the date of the item's "created" tracking entry (type 1), else the earliest of `updated`,
    /// the stocktake date and the item's tracking entries.
    static func fillStockCreationDates(_ plan: inout ImportPlan) -> String? {
        guard var items = plan.rows["stock_stockitem"], items.contains(where: { $0.values["creation_date"] == nil }) else { return nil }
        var created: [Int: (Date, String)] = [:]
        var earliest: [Int: (Date, String)] = [:]
        for row in plan.rows["stock_stockitemtracking"] ?? [] {
            guard let item = row.values["item_id"] as? Int, let text = row.values["date"] as? String, let date = Timestamp.parse(text) else { continue }
            if earliest[item].map({ date < $0.0 }) ?? true { earliest[item] = (date, text) }
            if DumpReader.integer(row.values["tracking_type"]) == 1, created[item].map({ date < $0.0 }) ?? true { created[item] = (date, text) }
        }
        var filled = 0
        for index in items.indices where items[index].values["creation_date"] == nil {
            guard let id = items[index].values["id"] as? Int else { continue }
            var choice = created[id]
            if choice == nil {
                let candidates = [earliest[id]] + ["updated", "stocktake_date"].map { key -> (Date, String)? in
                    guard let text = items[index].values[key] as? String, let date = Timestamp.parse(text) else { return nil }
                    return (date, text)
                }
                choice = candidates.compactMap { $0 }.min { $0.0 < $1.0 }
            }
            if let choice {
                items[index].values["creation_date"] = Timestamp.format(choice.0)
                filled += 1
            }
        }
        plan.rows["stock_stockitem"] = items
        return filled == 0 ? nil : "stock.stockitem: creation date filled in for \(filled) items from their tracking history"
    }

    /// API 530 keeps the quantity as typed (`raw_amount`) and replaced the text `overage` by
    /// `attrition` (a percentage, from "N%") or `setup_quantity` (from a plain number).
    static func upgradeBomQuantities(_ plan: inout ImportPlan) -> String? {
        guard var rows = plan.rows["part_bomitem"] else { return nil }
        var amounts = 0
        var overages = 0
        for index in rows.indices {
            if rows[index].values["raw_amount"] == nil, let quantity = rows[index].values["quantity"] {
                rows[index].values["raw_amount"] = normalizedDecimal("\(quantity)")
                amounts += 1
            }
            guard let overage = rows[index].values.removeValue(forKey: "overage") as? String else { continue }
            let text = overage.trimmingCharacters(in: .whitespaces)
            if text.hasSuffix("%"), let percent = Double(text.dropLast().trimmingCharacters(in: .whitespaces)), percent > 0 {
                rows[index].values["attrition"] = normalizedDecimal(String(percent))
                overages += 1
            } else if let amount = Double(text), amount > 0 {
                rows[index].values["setup_quantity"] = normalizedDecimal(String(amount))
                overages += 1
            }
        }
        plan.rows["part_bomitem"] = rows
        guard amounts > 0 || overages > 0 else { return nil }
        return "part.bomitem: raw_amount filled in for \(amounts) items" + (overages > 0 ? ", \(overages) overages turned into attrition or setup quantity" : "")
    }

    /// "3.00000" -> "3", "0.25000" -> "0.25", as Python's Decimal.normalize() prints them.
    static func normalizedDecimal(_ text: String) -> String {
        guard text.contains("."), !text.contains("e"), !text.contains("E") else { return text }
        var result = text
        while result.hasSuffix("0") { result.removeLast() }
        if result.hasSuffix(".") { result.removeLast() }
        return result
    }

    /// API 530 has a `testable` flag; InvenTree's migration set it on trackable parts and on
    /// parts with test templates.
    static func fillTestableParts(_ plan: inout ImportPlan) -> String? {
        guard var parts = plan.rows["part_part"], parts.contains(where: { $0.values["testable"] == nil }) else { return nil }
        let withTemplates = Set((plan.rows["part_parttesttemplate"] ?? []).compactMap { $0.values["part_id"] as? Int })
        var set = 0
        for index in parts.indices where parts[index].values["testable"] == nil {
            let trackable = parts[index].values["trackable"] as? Bool ?? false
            let hasTemplates = (parts[index].values["id"] as? Int).map(withTemplates.contains) ?? false
            parts[index].values["testable"] = trackable || hasTemplates
            if trackable || hasTemplates { set += 1 }
        }
        plan.rows["part_part"] = parts
        return set == 0 ? nil : "part.part: testable set on \(set) trackable parts or parts with test templates"
    }
}
