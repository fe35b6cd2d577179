import Postgres

/// Builds the WHERE and ORDER BY of a list from DRF-style query parameters: `search` over text
/// columns, boolean filters, and `ordering` over allowed fields (`-name` descending).
struct ListQuery {
    private(set) var conditions: [String] = []
    private(set) var parameters: [PostgresValue?] = []
    private(set) var order: String

    init(defaultOrder: String) { order = defaultOrder }

    /// Every word of `search` must appear (any case) in one of `columns`, as DRF's SearchFilter.
    mutating func search(_ text: String?, columns: [String]) {
        guard let text else { return }
        for word in text.split(separator: " ") where !word.isEmpty {
            parameters.append("%" + escapeLike(String(word)) + "%")
            let placeholder = "$\(parameters.count)"
            conditions.append("(" + columns.map { "\($0) ILIKE \(placeholder)" }.joined(separator: " OR ") + ")")
        }
    }

    /// `column = value` for a boolean parameter given as true/false/1/0; an unreadable value is a 400.
    mutating func boolean(_ name: String, _ text: String?, column: String) throws {
        guard let text else { return }
        switch text.lowercased() {
        case "true", "1", "yes", "on": conditions.append("\(column) = true")
        case "false", "0", "no", "off": conditions.append("\(column) = false")
        default: throw APIError(status: 400, detail: "\(name): '\(text)' is not a boolean (true or false)")
        }
    }

    /// `ordering=field,-other` over `allowed` (field name -> SQL column); unknown fields are ignored, as in DRF.
    mutating func ordering(_ text: String?, allowed: [String: String]) {
        guard let text else { return }
        let terms = text.split(separator: ",").compactMap { field -> String? in
            let descending = field.hasPrefix("-")
            guard let column = allowed[String(descending ? field.dropFirst() : field)] else { return nil }
            return column + (descending ? " DESC" : " ASC")
        }
        if !terms.isEmpty { order = terms.joined(separator: ", ") + ", " + order }
    }

    var whereClause: String { conditions.isEmpty ? "true" : conditions.joined(separator: " AND ") }

    private func escapeLike(_ text: String) -> String {
        var out = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
