import Foundation
import Postgres

/// Turns a database error during an import into an ImportError that names the record (model and
/// pk) and the field, found from what PostgreSQL reports: the table, the failing key or row.
enum FailureLocator {
    static func explain(_ error: PostgresError, table: String?, plan: ImportPlan) -> ImportError {
        let message = error.message.trimmingCharacters(in: .whitespacesAndNewlines)
        let detail = error.detail ?? ""
        let reported = detail.isEmpty ? message : "\(message) (\(detail))"
        let failingTable = capture(#"on table "(\w+)""#, in: message) ?? capture(#"^(\w+) \d+:"#, in: message) ?? table
        guard let failingTable, let rows = plan.rows[failingTable] else {
            return ImportError("the database refused the import: \(reported)")
        }
        // a foreign key or unique key: Key (column)=(value) ...
        if let column = capture(#"Key \(([\w, ]+)\)="#, in: detail), let value = capture(#"\)=\((.*?)\)"#, in: detail),
           !column.contains(",") {
            if let row = rows.first(where: { text($0.values[column]) == value }) {
                return ImportError.record(row.record, field: sourceField(of: column, model: row.record.model), reported)
            }
        }
        // a check constraint: Failing row contains (id, ...)
        if let id = capture(#"Failing row contains \((\d+),"#, in: detail).flatMap(Int.init)
            ?? capture(#"^\w+ (\d+):"#, in: message).flatMap(Int.init),
           let row = rows.first(where: { $0.values["id"] as? Int == id }) {
            return ImportError.record(row.record, field: error.column.flatMap { sourceField(of: $0, model: row.record.model) }, reported)
        }
        return ImportError("the database refused the rows of \(failingTable): \(reported)")
    }

    /// The source field that fills `column` for `model`.
    static func sourceField(of column: String, model: String) -> String {
        guard let mapping = ModelMappings.byModel[model] else { return column }
        for (field, fieldMapping) in mapping.fields.sorted(by: { $0.key < $1.key }) {
            switch fieldMapping {
            case .column(let name), .reference(let name, _), .user(let name), .group(let name), .contentType(let name),
                 .file(let name), .upgradeInput(let name):
                if name == column { return field }
            default: continue
            }
        }
        return column
    }

    private static func text(_ value: Any?) -> String? {
        switch value {
        case let int as Int: return String(int)
        case let string as String: return string
        case let number as NSNumber: return number.stringValue
        default: return nil
        }
    }

    private static func capture(_ pattern: String, in text: String) -> String? {
        guard let expression = try? NSRegularExpression(pattern: pattern),
              let match = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              match.numberOfRanges > 1, let range = Range(match.range(at: 1), in: text) else { return nil }
        return String(text[range])
    }
}
