import Auth

/// InvenTree's `generate_permission_dict`: `{model: [action, ...]}` for the Django model permissions
/// that rule sets give a group (InvenTree writes them to `auth_group_permissions` when a rule set is
/// saved; here they follow from the rule sets directly). Models in Django's order (app, then model),
/// actions in codename order (add, change, delete, view).
enum PermissionDictionary {
    static let codenameOrder: [Permission] = [.add, .change, .delete, .view]

    /// The permissions of a user or group with these `permissions`; superusers get every governed
    /// and unrestricted table (InvenTree lists every model of every installed app for them).
    static func json(_ permissions: Permissions) -> JSONValue {
        var tables = RuleSet.governedTables
        if permissions.isSuperuser { tables += RuleSet.unrestrictedTables.filter { !tables.contains($0) } }
        let sorted = tables.compactMap { table -> (app: String, model: String)? in
            guard let split = table.lastIndex(of: "_") else { return nil }
            return (String(table[..<split]), String(table[table.index(after: split)...]))
        }.sorted { ($0.app, $0.model) < ($1.app, $1.model) }
        var members: [(String, JSONValue)] = []
        for (app, model) in sorted {
            let table = app + "_" + model
            let allowed = codenameOrder.filter { action in
                permissions.isSuperuser || grantsModelPermission(permissions, table: table, action)
            }
            guard !allowed.isEmpty else { continue }
            if let index = members.firstIndex(where: { $0.0 == model }), case .array(let existing) = members[index].1 {
                // Two apps with one model name (InvenTree's dictionary is keyed by model name only): merge.
                let merged = codenameOrder.filter { action in
                    existing.contains(.string(action.rawValue)) || allowed.contains(action)
                }
                members[index].1 = .array(merged.map { .string($0.rawValue) })
            } else {
                members.append((model, .array(allowed.map { .string($0.rawValue) })))
            }
        }
        return .object(members)
    }

    /// Whether a rule set of the grants covers the table for the action (InvenTree's `update_group_roles`),
    /// with `change` on part extending to BOM items.
    private static func grantsModelPermission(_ permissions: Permissions, table: String, _ action: Permission) -> Bool {
        for role in RuleSet.allCases where role.tables.contains(table) && permissions.grants.allows(role, action) {
            return true
        }
        return RuleSet.changeInherit.contains { $0.table == table && permissions.grants.allows($0.role, .change) }
    }
}
