/// How a field's value is stored, written to JSON and validated (InvenTree's serializer field types).
public enum FieldKind {
    /// A JSON integer (`IntegerField`, primary keys).
    case integer
    /// A JSON number written like Python's float (`FloatField`, InvenTree's decimal quantities).
    case float
    /// A decimal as a string with `places` digits (DRF's `DecimalField`, InvenTree's money).
    case decimal(places: Int)
    /// Text, optionally limited in length; `allowBlank` as DRF's `allow_blank`.
    case string(maxLength: Int?, allowBlank: Bool)
    /// A URL (text, metadata type `url`).
    case url(maxLength: Int?)
    case boolean
    /// `YYYY-MM-DD`.
    case date
    /// ISO 8601 in UTC as DRF writes it (`2024-03-19T10:11:12.345678Z`, no fraction when zero).
    case datetime
    /// A JSON document produced by the SQL expression itself (json/jsonb), written as it is.
    case json
    /// A primary key of another model (`PrimaryKeyRelatedField`): `table` is checked on write.
    case related(model: String, apiURL: String, table: String)
    /// One of fixed integer choices.
    case choice([(value: Int, label: String)])
    /// The object(s) of another resource, fetched in one query for the whole page (see `Expansion`).
    case nested(Expansion)

    /// The `type` DRF's metadata reports for the kind.
    var metadataType: String {
        switch self {
        case .integer: return "integer"
        case .float: return "float"
        case .decimal: return "decimal"
        case .string: return "string"
        case .url: return "url"
        case .boolean: return "boolean"
        case .date: return "date"
        case .datetime: return "datetime"
        case .json: return "field"
        case .related: return "related field"
        case .choice: return "choice"
        case .nested: return "nested object"
        }
    }

    /// The SQL cast a written value gets (values are bound as text).
    var sqlCast: String {
        switch self {
        case .integer, .related, .choice: return "::integer"
        case .float, .decimal: return "::numeric"
        case .boolean: return "::boolean"
        case .date: return "::date"
        case .datetime: return "::timestamptz"
        case .json: return "::jsonb"
        case .string, .url, .nested: return ""
        }
    }
}

/// When a field appears in answers.
public enum FieldVisibility {
    /// In lists and details.
    case always
    /// Only in the detail view (InvenTree's `notes`).
    case detailOnly
    /// Only when the query parameter is true (`category_detail=true`), or unless it is false when `default` is true.
    case flag(String, default: Bool)
    /// Never written in answers: accepted on create/update only.
    case writeOnly
}

/// One field of a resource: where its value comes from, how it is written and how it is validated.
public struct ResourceField {
    public let name: String
    /// The SQL expression that reads the value (over the resource's table alias `t`); nil for write-only fields.
    public let select: String?
    /// The table column a write stores into; nil for read-only fields.
    public let column: String?
    public let kind: FieldKind
    public var label: String
    public var helpText: String?
    /// Required on create (and PUT), as DRF's `required`.
    public var required: Bool
    public var allowNull: Bool
    /// The default InvenTree's metadata reports (`OPTIONS`); the database applies its own on insert.
    public var defaultValue: JSONValue?
    public var visibility: FieldVisibility

    public init(_ name: String, _ kind: FieldKind, select: String? = nil, column: String? = nil, label: String,
                help: String? = nil, required: Bool = false, allowNull: Bool = false, default defaultValue: JSONValue? = nil,
                visibility: FieldVisibility = .always) {
        self.name = name
        self.kind = kind
        self.select = select
        self.column = column
        self.label = label
        self.helpText = help
        self.required = required
        self.allowNull = allowNull
        self.defaultValue = defaultValue
        self.visibility = visibility
    }

    /// A field stored in a column of the table and read from it (`t.<column>`).
    public static func column(_ name: String, _ column: String, _ kind: FieldKind, label: String, help: String? = nil,
                              required: Bool = false, allowNull: Bool = false, default defaultValue: JSONValue? = nil,
                              visibility: FieldVisibility = .always) -> ResourceField {
        ResourceField(name, kind, select: "t." + column, column: column, label: label, help: help, required: required,
                      allowNull: allowNull, default: defaultValue, visibility: visibility)
    }

    /// A read-only field computed by `select`.
    public static func computed(_ name: String, _ kind: FieldKind, _ select: String, label: String, help: String? = nil,
                                allowNull: Bool = true, visibility: FieldVisibility = .always) -> ResourceField {
        ResourceField(name, kind, select: select, column: nil, label: label, help: help, allowNull: allowNull,
                      visibility: visibility)
    }

    /// A read-only column.
    public static func readOnly(_ name: String, _ column: String, _ kind: FieldKind, label: String, help: String? = nil,
                                allowNull: Bool = false, visibility: FieldVisibility = .always) -> ResourceField {
        computed(name, kind, "t." + column, label: label, help: help, allowNull: allowNull, visibility: visibility)
    }

    /// True when a create or update may set the field.
    public var isWritable: Bool { column != nil }

    /// The expression in the SELECT list, shaped for the JSON writer (datetimes formatted as DRF does).
    var selectExpression: String? {
        guard let select else { return nil }
        switch kind {
        case .datetime:
            return """
                (to_char((\(select)) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') || CASE WHEN date_part('microseconds', (\(select)))::bigint % 1000000 = 0 THEN '' ELSE to_char((\(select)) AT TIME ZONE 'UTC', '.US') END || 'Z')
                """
        case .decimal(let places): return "round((\(select))::numeric, \(places))"
        default: return select
        }
    }
}

/// The object (or objects) of another resource shown inside each row (`category_detail`, `part_detail`),
/// loaded with one query for a whole page: `WHERE <relatedKey> = ANY(keys)`.
public struct Expansion {
    /// The SQL (over `t`) giving the key each row looks up (`t.category_id`).
    public let key: String
    /// The resource whose list shape the expanded objects have.
    public let resource: () -> Resource
    /// The related resource's SQL (over its own `t`) the key matches: `t.id` for one object, a foreign key for many.
    public let relatedKey: String
    /// True: a list of all related rows per key (`parameters`); false: one object or null.
    public let many: Bool

    public init(key: String, relatedKey: String = "t.id", many: Bool = false, resource: @escaping () -> Resource) {
        self.key = key
        self.relatedKey = relatedKey
        self.many = many
        self.resource = resource
    }
}
