import Foundation

/// The keys a file provides: primary keys per table, and the natural keys of users and groups,
/// so that every reference can be checked (and resolved) before anything is written.
struct KeyIndex {
    private(set) var keys: [String: Set<Int>] = [:]
    private(set) var userByName: [String: Int] = [:]
    private(set) var groupByName: [String: Int] = [:]

    init(records: [InvenTreeRecord]) throws {
        var firstPosition: [String: [Int: Int]] = [:]
        for record in records {
            guard let mapping = ModelMappings.byModel[record.model], mapping.keepsPrimaryKey else { continue }
            guard let pk = record.pk else {
                throw ImportError.record(record, field: nil, "has no integer primary key")
            }
            if let earlier = firstPosition[mapping.table]?[pk] {
                throw ImportError.record(record, field: nil, "uses the same primary key as record \(earlier + 1) (both are stored in \(mapping.table))")
            }
            firstPosition[mapping.table, default: [:]][pk] = record.position
            keys[mapping.table, default: []].insert(pk)
            if record.model == "auth.user", let name = record.fields["username"] as? String { userByName[name] = pk }
            if record.model == "auth.group", let name = record.fields["name"] as? String { groupByName[name] = pk }
        }
    }

    func contains(_ key: Int, in table: String) -> Bool { keys[table]?.contains(key) ?? false }

    /// The user's primary key from a key or a natural key `["username"]`.
    func user(_ value: Any) -> Int? {
        if let list = value as? [Any], list.count == 1, let name = list[0] as? String { return userByName[name] }
        if let pk = DumpReader.integer(value), contains(pk, in: "auth_user") { return pk }
        return nil
    }

    /// The group's primary key from a key or a natural key `["name"]`.
    func group(_ value: Any) -> Int? {
        if let list = value as? [Any], list.count == 1, let name = list[0] as? String { return groupByName[name] }
        if let pk = DumpReader.integer(value), contains(pk, in: "auth_group") { return pk }
        return nil
    }

    /// The table of the record kind named by a `model_type` (as the database's stockroom_model_table).
    static let modelTypeTables: [String: String] = [
        "part": "part_part", "partcategory": "part_partcategory", "stockitem": "stock_stockitem",
        "stocklocation": "stock_stocklocation", "company": "company_company", "manufacturerpart": "company_manufacturerpart",
        "supplierpart": "company_supplierpart", "purchaseorder": "order_purchaseorder", "salesorder": "order_salesorder",
        "salesordershipment": "order_salesordershipment", "returnorder": "order_returnorder",
        "transferorder": "order_transferorder", "build": "build_build",
    ]
}
