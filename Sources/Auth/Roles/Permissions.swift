/// What the user of one request may do: computed once per request from the user's flags and the
/// (cached) grants of their groups. Endpoints ask `require(.part, .view)` before they act.
public struct Permissions: Equatable, Sendable {
    /// Thrown by `require`: the user is signed in but the role does not allow the action.
    public struct Denied: Error, Equatable, CustomStringConvertible {
        public let role: RuleSet?
        public let permission: Permission
        public init(role: RuleSet?, permission: Permission) {
            self.role = role
            self.permission = permission
        }
        public var description: String {
            "permission denied: \(permission.rawValue) on \(role?.rawValue ?? "this resource")"
        }
    }

    public let isActive: Bool
    public let isSuperuser: Bool
    public let isStaff: Bool
    public let grants: RoleGrants

    public init(isActive: Bool, isSuperuser: Bool, isStaff: Bool, grants: RoleGrants) {
        self.isActive = isActive
        self.isSuperuser = isSuperuser
        self.isStaff = isStaff
        self.grants = grants
    }

    /// InvenTree's `check_user_role`: inactive users have nothing, superusers everything.
    public func has(_ role: RuleSet, _ permission: Permission) -> Bool {
        guard isActive else { return false }
        return isSuperuser || grants.allows(role, permission)
    }

    /// Throws `Denied` unless `has(role, permission)`.
    public func require(_ role: RuleSet, _ permission: Permission) throws {
        guard has(role, permission) else { throw Denied(role: role, permission: permission) }
    }

    /// InvenTree's `check_user_permission` for a table (`part_bomitem`): unrestricted tables pass,
    /// otherwise any role that governs the table must allow it (or the change-inherit rule).
    public func has(table: String, _ permission: Permission) -> Bool {
        guard isActive else { return false }
        if isSuperuser || RuleSet.unrestrictedTables.contains(table) { return true }
        for role in RuleSet.allCases where role.tables.contains(table) && grants.allows(role, permission) {
            return true
        }
        return RuleSet.changeInherit.contains { $0.table == table && grants.allows($0.role, .change) }
    }

    /// Throws `Denied` unless `has(table:, permission)`.
    public func require(table: String, _ permission: Permission) throws {
        guard has(table: table, permission) else { throw Denied(role: nil, permission: permission) }
    }

    /// The actions allowed on `role`, in InvenTree's order (empty when none).
    public func allowed(_ role: RuleSet) -> [Permission] {
        Permission.allCases.filter { has(role, $0) }
    }
}
