/// SQL over a tree table (categories, locations: `tree_path int[]` from the node's root down to itself, kept by
/// the triggers of migration 4) for the node `t`.
enum TreeSQL {
    /// MPTT order with siblings by name (InvenTree's trees insert ordered by name).
    static let order = "string_to_array(t.pathstring, '/')"

    /// The nodes of `table` below `t`, at any depth.
    static func descendantCount(_ table: String) -> String {
        "(SELECT count(*) FROM \(table) c WHERE c.tree_path @> ARRAY[t.id] AND c.id <> t.id)"
    }

    /// InvenTree's `get_path()`: `t` and its ancestors as `[{pk, name}]`, root first.
    static func path(_ table: String) -> String {
        "(SELECT json_agg(json_build_object('pk', a.id, 'name', a.name) ORDER BY a.level) FROM \(table) a WHERE a.id = ANY(t.tree_path))"
    }

    /// The rows of `items` whose `foreignKey` names `t` or a node below it.
    static func itemCount(_ items: String, foreignKey: String, tree table: String) -> String {
        "(SELECT count(*) FROM \(items) s JOIN \(table) c ON c.id = s.\(foreignKey) WHERE c.tree_path @> ARRAY[t.id])"
    }
}
