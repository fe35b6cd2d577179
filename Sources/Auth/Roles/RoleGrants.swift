/// What a user's groups allow, role by role: the union of the rule sets of all their groups.
public struct RoleGrants: Equatable, Sendable {
    private var bits: [RuleSet: UInt8]

    public init() { bits = [:] }

    /// Adds one group's rule set.
    public mutating func grant(_ role: RuleSet, view: Bool, add: Bool, change: Bool, delete: Bool) {
        var value = bits[role] ?? 0
        if view { value |= Permission.view.bit }
        if add { value |= Permission.add.bit }
        if change { value |= Permission.change.bit }
        if delete { value |= Permission.delete.bit }
        bits[role] = value
    }

    /// Whether some group allows `permission` on `role`.
    public func allows(_ role: RuleSet, _ permission: Permission) -> Bool {
        (bits[role] ?? 0) & permission.bit != 0
    }

    /// Compact text for the cache: `part:15,stock:1` (role name and permission bits).
    public var encoded: String {
        RuleSet.allCases.compactMap { role in bits[role].map { "\(role.rawValue):\($0)" } }.joined(separator: ",")
    }

    /// Reads `encoded`; nil for text it did not write (a cache written by another version).
    public init?(encoded: String) {
        bits = [:]
        for item in encoded.split(separator: ",") {
            let parts = item.split(separator: ":")
            guard parts.count == 2, let role = RuleSet(rawValue: String(parts[0])), let value = UInt8(parts[1]),
                  value < 16 else { return nil }
            bits[role] = value
        }
    }
}
