/// How one field of an InvenTree record becomes a column of a Stockroom table.
public enum FieldMapping {
    /// Stored as it is in this column.
    case column(String)
    /// A primary key of a record in `table`, stored in this column; checked to exist in the file.
    case reference(String, table: String)
    /// A user: a primary key or a natural key `["username"]`.
    case user(String)
    /// A group: a primary key or a natural key `["name"]`.
    case group(String)
    /// A Django content type as a natural key `["app_label", "model"]`, stored as the model name.
    case contentType(String)
    /// A path relative to the media root, stored in this column; the file is copied with the record.
    case file(String)
    /// A user's groups: a list of group keys, stored as rows of auth_user_groups.
    case groupMembership
    /// `owner_type` / `owner_id` of an owner (a content type and a key), stored as the owner's
    /// user_id or group_id.
    case ownerKey
    /// A field InvenTree has since removed, kept under this name only for an upgrade step that
    /// turns it into the fields that replaced it (see Upgrades).
    case upgradeInput(String)
    /// Not stored, for the reason given (it is listed in the import summary).
    case ignored(String)
}

/// How the records of one InvenTree model are stored: the table, and a table from field name to
/// column for every field that InvenTree has had on that model (old and new), so that an export
/// from any version maps field by field; a field not listed here is reported, never guessed.
public struct ModelMapping {
    /// `app.model` as InvenTree names it (lowercase).
    public let model: String
    /// The Stockroom table.
    public let table: String
    /// Source field -> how it is stored.
    public let fields: [String: FieldMapping]
    /// Columns that are set to a fixed value for every record (e.g. the `model_type` of an old
    /// part attachment, which InvenTree has since merged into one attachment table).
    public let constants: [String: Any]
    /// False when the source model's keys cannot be kept because several old models were merged
    /// into one table (the rows get new keys; nothing refers to them by key).
    public let keepsPrimaryKey: Bool

    init(_ model: String, table: String, keepsPrimaryKey: Bool = true, constants: [String: Any] = [:],
         _ fields: [String: FieldMapping]) {
        self.model = model
        self.table = table
        self.fields = fields
        self.constants = constants
        self.keepsPrimaryKey = keepsPrimaryKey
    }
}

/// Fields stored under their own name; for building the mapping tables.
func same(_ names: String...) -> [String: FieldMapping] {
    Dictionary(uniqueKeysWithValues: names.map { ($0, FieldMapping.column($0)) })
}

extension Dictionary where Key == String, Value == FieldMapping {
    /// This table with the entries of `other` added (an entry in both is a mistake in the tables).
    static func + (lhs: Self, rhs: Self) -> Self {
        lhs.merging(rhs) { first, _ in first }
    }
}

/// The reason given for fields that InvenTree itself has removed since.
func removedByInvenTree(_ detail: String) -> FieldMapping {
    .ignored("removed by InvenTree's own migrations before API 530; " + detail)
}

/// Fields every InvenTree model with barcodes, notes and metadata has.
let barcodeNotesMetadata = same("barcode_data", "barcode_hash", "notes", "metadata")

/// MPTT bookkeeping that InvenTree stores on the trees of categories and locations; Stockroom
/// keeps its own tree path.
let mpttFields: [String: FieldMapping] = mptt("Stockroom computes tree_path and level")

/// MPTT bookkeeping of InvenTree's other trees (variants, split stock, child builds), which
/// Stockroom follows through their parent keys.
let mpttFieldsByParentKey: [String: FieldMapping] = mptt("the tree is given by the parent key")

private func mptt(_ reason: String) -> [String: FieldMapping] {
    Dictionary(uniqueKeysWithValues: ["lft", "rght", "tree_id", "level"].map { ($0, .ignored("MPTT bookkeeping; " + reason)) })
}
