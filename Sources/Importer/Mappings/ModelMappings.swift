/// Every model the importer stores, in the order the rows are inserted (foreign keys are
/// deferred to the end of the import's transaction, so only a tree's parents must come first,
/// and the importer sorts those).
enum ModelMappings {
    static let ordered: [ModelMapping] =
        UserMappings.all + CommonMappings.all + StockMappings.all + PartMappings.all + CompanyMappings.all
        + OrderMappings.all + BuildMappings.all

    static let byModel: [String: ModelMapping] = Dictionary(uniqueKeysWithValues: ordered.map { ($0.model, $0) })

    /// Every table the importer writes, in insertion order, with the join table of user groups.
    static let tables: [String] = {
        var seen: Set<String> = []
        var tables: [String] = []
        for table in ordered.map(\.table) + ["auth_user_groups"] where seen.insert(table).inserted { tables.append(table) }
        return tables
    }()
}
