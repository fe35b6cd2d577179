import FoundationEssentials
import Postgres

/// What a create or update is about to write; a resource's `validate` reads and completes it.
public struct WriteContext {
    public let connection: PostgresConnection
    /// The row being updated; nil on create.
    public let existingID: Int?
    /// PATCH: only the given fields are validated and written.
    public let partial: Bool
    public let userID: Int
    /// The request body's members.
    public let body: [(String, JSONValue)]
    /// Validated values by field name, as text for SQL (nil: NULL).
    public var values: [String: String?] = [:]
    /// Columns to set that are no API field (`creation_user_id`), with their SQL cast.
    public var extraColumns: [(column: String, value: String?, cast: String)] = []
    public var errors = ValidationErrors()

    /// The value the body gave for `name`.
    public func given(_ name: String) -> JSONValue? { body.first { $0.0 == name }?.1 }
}

/// Validates a JSON body against a resource's fields (DRF's messages) and writes the row.
enum ResourceWriter {
    /// Creates (`existingID` nil) or updates a row; returns its primary key. Throws `ValidationErrors`.
    static func write(_ resource: Resource, body: JSONValue, existingID: Int?, partial: Bool, userID: Int,
                      connection: PostgresConnection) throws -> Int {
        guard case .object(let members) = body else {
            throw ValidationErrors("non_field_errors", "Invalid data. Expected a dictionary, but got \(typeName(body)).")
        }
        var context = WriteContext(connection: connection, existingID: existingID, partial: partial, userID: userID, body: members)
        for field in resource.fields where field.isWritable {
            guard let value = context.given(field.name) else {
                if field.required && !partial { context.errors.add(field.name, ValidationErrors.Message.required) }
                continue
            }
            do {
                context.values[field.name] = try convert(value, field, connection)
            } catch let message as FieldMessage {
                context.errors.add(field.name, message.text)
            }
        }
        if context.errors.isEmpty { try resource.validate?(&context) }
        guard context.errors.isEmpty else { throw context.errors }

        var columns: [(String, String?, String)] = resource.fields.compactMap { field in
            guard let column = field.column, let value = context.values[field.name] else { return nil }
            return (column, value, field.kind.sqlCast)
        }
        columns += context.extraColumns.map { ($0.column, $0.value, $0.cast) }
        let parameters: [PostgresValue?] = columns.map { $0.1 }
        do {
            let id: Int
            if let existingID {
                if !columns.isEmpty {
                    let sets = columns.enumerated().map { "\($1.0) = $\($0 + 1)\($1.2)" }.joined(separator: ", ")
                    try ResourceSQL.query(connection, "UPDATE \(resource.table) SET \(sets) WHERE id = $\(columns.count + 1)",
                                          parameters + [existingID])
                }
                id = existingID
            } else {
                let sql = columns.isEmpty ? "INSERT INTO \(resource.table) DEFAULT VALUES RETURNING id"
                    : "INSERT INTO \(resource.table) (\(columns.map(\.0).joined(separator: ", "))) VALUES ("
                        + columns.enumerated().map { "$\($0 + 1)\($1.2)" }.joined(separator: ", ") + ") RETURNING id"
                id = try ResourceSQL.query(connection, sql, parameters).singleRow().decode(0, as: Int.self)
            }
            try resource.afterWrite?(connection, id, context)
            return id
        } catch let error as PostgresError {
            throw constraintErrors(error, resource) ?? error
        }
    }

    /// A constraint the database refused, as DRF's validation error; nil for other failures.
    static func constraintErrors(_ error: PostgresError, _ resource: Resource) -> ValidationErrors? {
        switch error.sqlState {
        case PostgresError.uniqueViolation?:
            // "Key (name, ipn, revision)=(...) already exists." -> Django's unique_together message.
            var labels: [String] = []
            if let detail = error.detail, let open = detail.firstIndex(of: "("), let close = detail.firstIndex(of: ")") {
                labels = detail[detail.index(after: open)..<close].split(separator: ",").map { column in
                    let name = column.trimmingWhitespaceForAPI()
                    return resource.fields.first { $0.column == name }?.label ?? name
                }
            }
            let list = labels.count > 1 ? labels.dropLast().joined(separator: ", ") + " and " + (labels.last ?? "") : labels.first ?? ""
            return ValidationErrors("non_field_errors", "\(resource.verboseName) with this \(list) already exists.")
        case "23514"?, "23503"?, "23502"?, "22003"?, "22P02"?, "22007"?, "22008"?:
            return ValidationErrors("non_field_errors", error.message)
        default:
            return nil
        }
    }

    struct FieldMessage: Error { let text: String }

    /// The SQL text of a JSON value for `field`, or the DRF message that refuses it.
    static func convert(_ value: JSONValue, _ field: ResourceField, _ connection: PostgresConnection) throws -> String? {
        typealias M = ValidationErrors.Message
        if value == .null {
            if field.allowNull { return nil }
            throw FieldMessage(text: M.null)
        }
        switch field.kind {
        case .integer:
            guard let number = integer(value) else { throw FieldMessage(text: M.integer) }
            return String(number)
        case .float, .decimal:
            switch value {
            case .int(let number): return String(number)
            case .double(let number) where number.isFinite: return String(number)
            case .string(let text):
                let trimmed = text.trimmingWhitespaceForAPI()
                guard let number = Double(trimmed), number.isFinite else { throw FieldMessage(text: M.number) }
                return trimmed
            default: throw FieldMessage(text: M.number)
            }
        case .string(let maxLength, let allowBlank):
            return try string(value, maxLength: maxLength, allowBlank: allowBlank)
        case .url(let maxLength):
            return try string(value, maxLength: maxLength, allowBlank: true)
        case .boolean:
            switch value {
            case .bool(let flag): return flag ? "true" : "false"
            case .int(1): return "true"
            case .int(0): return "false"
            case .string(let text):
                if ["t", "y", "yes", "true", "on", "1"].contains(text.lowercased()) { return "true" }
                if ["f", "n", "no", "false", "off", "0"].contains(text.lowercased()) { return "false" }
                throw FieldMessage(text: M.boolean)
            default: throw FieldMessage(text: M.boolean)
            }
        case .date:
            guard case .string(let text) = value, isDate(text) else { throw FieldMessage(text: M.date) }
            return text
        case .datetime:
            guard case .string(let text) = value, text.count >= 10, isDate(String(text.prefix(10))) else {
                throw FieldMessage(text: M.datetime)
            }
            return text
        case .json:
            return String(decoding: value.encoded(), as: UTF8.self)
        case .related(_, _, let table):
            let pk: Int
            switch value {
            case .int(let number): pk = number
            case .string(let text):
                guard let number = Int(text) else { throw FieldMessage(text: M.pkType("str")) }
                pk = number
            default: throw FieldMessage(text: M.pkType(typeName(value)))
            }
            guard try !ResourceSQL.query(connection, "SELECT 1 FROM \(table) WHERE id = $1", [pk]).isEmpty else {
                throw FieldMessage(text: M.missingObject(String(pk)))
            }
            return String(pk)
        case .choice(let choices):
            let shown: String
            switch value {
            case .int(let number): shown = String(number)
            case .string(let text): shown = text
            default: shown = String(decoding: value.encoded(), as: UTF8.self)
            }
            guard let number = Int(shown), choices.contains(where: { $0.value == number }) else {
                throw FieldMessage(text: M.notAChoice(shown))
            }
            return String(number)
        case .nested:
            throw FieldMessage(text: "This field is read only.")
        }
    }

    static func integer(_ value: JSONValue) -> Int? {
        switch value {
        case .int(let number): return number
        case .double(let number) where number == number.rounded() && abs(number) < 1e15: return Int(number)
        case .string(let text): return Int(text.trimmingWhitespaceForAPI())
        default: return nil
        }
    }

    /// DRF's CharField: text or numbers (not booleans), whitespace trimmed, blank and length checked.
    static func string(_ value: JSONValue, maxLength: Int?, allowBlank: Bool) throws -> String {
        let text: String
        switch value {
        case .string(let given): text = given.trimmingWhitespaceForAPI()
        case .int(let number): text = String(number)
        case .double(let number): text = String(number)
        default: throw FieldMessage(text: ValidationErrors.Message.string)
        }
        if text.isEmpty && !allowBlank { throw FieldMessage(text: ValidationErrors.Message.blank) }
        if let maxLength, text.count > maxLength { throw FieldMessage(text: ValidationErrors.Message.maxLength(maxLength)) }
        return text
    }

    static func isDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        let digits = [0, 1, 2, 3, 5, 6, 8, 9].allSatisfy { bytes[$0] >= UInt8(ascii: "0") && bytes[$0] <= UInt8(ascii: "9") }
        guard digits, let month = Int(text.dropFirst(5).prefix(2)), let day = Int(text.suffix(2)) else { return false }
        return (1...12).contains(month) && (1...31).contains(day)
    }

    /// Python's type name of a JSON value (DRF's messages name it).
    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .string: return "str"
        case .array: return "list"
        case .object: return "dict"
        }
    }
}
