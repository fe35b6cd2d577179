import Auth
import HTTP
import Postgres

/// (Guide with an example: docs/api-resources.md.)
/// A declarative description of one InvenTree resource: its table, fields, filters, search, ordering and
/// expansions. `ResourceEndpoints.register` turns it into list, detail, create, update, delete, bulk delete
/// and `OPTIONS` endpoints with InvenTree's conventions.
public struct Resource {
    /// The model name in metadata (`part`) and in `404 No <Model> matches` (`Part`).
    public let model: String
    public let verboseName: String
    /// The list path (`/api/part/`); the detail path is `<path>:pk/`.
    public let path: String
    /// The main table, read under the alias `t`.
    public let table: String
    /// Extra FROM clause after `<table> t` (joins shared by fields and filters).
    public var joins: String = ""
    /// Joins only the page and detail statements use (not `count(*)`, not filters): per-row figures such as
    /// stock totals computed once in a LATERAL subquery that fields and `ordering` read.
    public var selectJoins: String = ""
    /// Whether migration 14's triggers keep this table's row count in `stockroom_rowcount`, so that an
    /// unfiltered list reads its `count` instead of counting the table (`joins` must then keep every row once).
    public var rowCountKept = false
    /// Whether GET lists and details keep rendered rows in the API's `RowCache`: only for resources whose fields
    /// read nothing but tables that raise `stockroom_dataversion`, the signed-in user (`$1`) and the date.
    public var cachesRows = false
    /// The names of the list and detail views in `OPTIONS` (`Part List`, `Part Detail`).
    public var listName: String
    public var detailName: String
    /// The view's docstring, as `OPTIONS` shows it.
    public var description: String = ""
    public var fields: [ResourceField]
    public var filters: [ResourceFilter] = []
    /// SQL expressions `search` matches (each word in one of them, case-insensitive).
    public var search: [String] = []
    /// `ordering` names and their SQL expressions.
    public var ordering: [(String, String)] = []
    /// The ORDER BY without an `ordering` parameter; the primary key always ends it.
    public var defaultOrdering: String = "t.id"
    /// The permission table InvenTree checks (`part_part`); defaults to `table`.
    public var permissionTable: String
    /// Whether the list endpoint accepts POST and DELETE (bulk), and the detail endpoint PUT, PATCH and DELETE.
    public var allowCreate = true
    public var allowUpdate = true
    public var allowDelete = true
    /// Checks and completes a create or update before it is written (model-level validation).
    public var validate: ((inout WriteContext) throws -> Void)?
    /// Replaces the standard create for bodies it takes (returns nil to leave the body to the standard create),
    /// in the same transaction: `stock/` with `serial_numbers` creates one item per serial and answers a list.
    var createOverride: ((APICall, JSONValue, PostgresConnection) throws -> HTTPResponse?)?
    /// Replaces the standard update for requests it takes (nil leaves them to it), after the row and access
    /// checks, in the same transaction: multipart image uploads on `part/<pk>/`.
    var updateOverride: ((APICall, Int, Bool, PostgresConnection) throws -> HTTPResponse?)?
    /// Rows the user may see, as an SQL condition over `t` built from their permissions (list and detail);
    /// generic records such as attachments are visible only where the owning model's role allows.
    var scope: ((Permissions) -> String)?
    /// Whether the user may change (PUT, PATCH) or delete row `id`, beyond the table permission.
    var rowAccess: ((Permissions, Permission, Int, PostgresConnection) throws -> Bool)?
    /// Work done in the same transaction after a row is written (the new or changed primary key).
    public var afterWrite: ((PostgresConnection, Int, WriteContext) throws -> Void)?
    /// Model-level checks before row `id` is deleted (InvenTree's custom `delete()`), alone or in a bulk delete:
    /// throw `ValidationErrors` to refuse.
    public var beforeDelete: ((PostgresConnection, Int) throws -> Void)?

    public init(model: String, verboseName: String, path: String, table: String, fields: [ResourceField]) {
        self.model = model
        self.verboseName = verboseName
        self.path = path
        self.table = table
        self.fields = fields
        self.listName = verboseName + " List"
        self.detailName = verboseName + " Detail"
        self.permissionTable = table
    }

    /// The field named `name`.
    public func field(_ name: String) -> ResourceField? { fields.first { $0.name == name } }

    var from: String { "\(table) t" + (joins.isEmpty ? "" : " " + joins) }
}

/// Which fields an answer shows, from the view (list or detail) and the request's flags.
struct FieldSelection {
    let fields: [ResourceField]

    init(_ resource: Resource, detail: Bool, query: (String) -> String?) {
        fields = resource.fields.filter { field in
            switch field.visibility {
            case .always: return true
            case .detailOnly: return detail
            case .writeOnly: return false
            case .flag(let name, let defaultValue): return FilterBuilder.flag(query(name)) ?? defaultValue
            }
        }
    }

    /// The SELECT list: one column per shown field (the key for nested ones).
    var selectList: String {
        fields.map { field -> String in
            if case .nested(let expansion) = field.kind { return expansion.key }
            return field.selectExpression ?? "NULL"
        }.joined(separator: ", ")
    }
}
