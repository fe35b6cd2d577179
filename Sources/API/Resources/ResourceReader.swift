import HTTP
import Postgres

/// Lists and details: a bounded number of statements per request (count, page, one per expansion),
/// rows written straight into the response's JSON bytes.
enum ResourceReader {
    /// The rows of `resource` matching `whereClause`, as JSON objects appended to `out` (comma separated).
    /// Parameter `$1` of every statement is the signed-in user's id (fields like `starred` read it).
    static func writeRows(_ resource: Resource, _ selection: FieldSelection, from connection: PostgresConnection,
                          where whereClause: String, _ parameters: [PostgresValue?], orderBy: String, tail: String = "",
                          to out: inout [UInt8]) throws -> Int {
        let sql = pageSQL(resource, select: selection.selectList, where: whereClause, orderBy: orderBy, tail: tail)
        let result = try ResourceSQL.query(connection, sql, parameters)
        let nested = try loadNested(selection, result, connection, userID: parameters.first ?? nil)
        let names = selection.fields.map { field -> [UInt8] in
            var name: [UInt8] = []
            JSONValue.writeString(field.name, to: &name)
            name.append(UInt8(ascii: ":"))
            return name
        }
        for rowIndex in 0..<result.count {
            if rowIndex > 0 { out.append(UInt8(ascii: ",")) }
            let row = result[rowIndex]
            out.append(UInt8(ascii: "{"))
            for (index, field) in selection.fields.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: names[index])
                if case .nested(let expansion) = field.kind {
                    let key = row[index].map(\.text)
                    if expansion.many {
                        out.append(UInt8(ascii: "["))
                        for (n, object) in ((key.flatMap { nested[index]?[$0] }) ?? []).enumerated() {
                            if n > 0 { out.append(UInt8(ascii: ",")) }
                            out.append(contentsOf: object)
                        }
                        out.append(UInt8(ascii: "]"))
                    } else if let key, let object = nested[index]?[key]?.first {
                        out.append(contentsOf: object)
                    } else {
                        out.append(contentsOf: RowJSONWriter.nullBytes)
                    }
                } else {
                    RowJSONWriter.write(row[index], field.kind, to: &out)
                }
            }
            out.append(UInt8(ascii: "}"))
        }
        return result.count
    }

    /// The statement for a page of rows. With `selectJoins`, the page's ids are chosen first (filters, order,
    /// limit) in the CTE `page`, so that the joins compute their figures for those rows only (they may aggregate
    /// over `(SELECT id FROM page)`); the page keeps its order by `page.position`.
    static func pageSQL(_ resource: Resource, select: String, where whereClause: String, orderBy: String, tail: String = "") -> String {
        guard !resource.selectJoins.isEmpty else {
            return "SELECT \(select) FROM \(resource.from) WHERE \(userGuard) AND \(whereClause) ORDER BY \(orderBy)\(tail)"
        }
        return """
            WITH page AS MATERIALIZED (SELECT t.id, row_number() OVER (ORDER BY \(orderBy)) AS position FROM \(resource.from) \
            WHERE \(userGuard) AND \(whereClause) ORDER BY \(orderBy)\(tail)) \
            SELECT \(select) FROM page JOIN \(resource.table) t ON t.id = page.id \(resource.joins) \(resource.selectJoins) \
            ORDER BY page.position
            """
    }

    /// A condition that uses `$1` (the user's id) so that every statement binds it with a known type.
    static let userGuard = "$1::integer IS NOT NULL"

    /// One statement per nested field: the related objects of every key on the page, rendered, by key.
    private static func loadNested(_ selection: FieldSelection, _ result: PostgresResult, _ connection: PostgresConnection,
                                   userID: PostgresValue?) throws -> [Int: [String: [[UInt8]]]] {
        var nested: [Int: [String: [[UInt8]]]] = [:]
        for (index, field) in selection.fields.enumerated() {
            guard case .nested(let expansion) = field.kind else { continue }
            var keys = Set<String>()
            for row in result { if let cell = row[index] { keys.insert(cell.text) } }
            guard !keys.isEmpty else { continue }
            let related = expansion.resource()
            let relatedSelection = FieldSelection(related, detail: false) { _ in nil }
            let keyList = "{" + keys.sorted().joined(separator: ",") + "}"
            let sql = pageSQL(related, select: "\(expansion.relatedKey), \(relatedSelection.selectList)",
                              where: "\(expansion.relatedKey) = ANY($2::integer[])", orderBy: "\(related.defaultOrdering), t.id")
            let rows = try ResourceSQL.query(connection, sql, [userID, keyList])
            let inner = try loadNested(FieldSelection(shifted: relatedSelection), rows, connection, userID: userID)
            var byKey: [String: [[UInt8]]] = [:]
            for row in rows {
                guard let key = row[0]?.text else { continue }
                var object: [UInt8] = [UInt8(ascii: "{")]
                for (fieldIndex, relatedField) in relatedSelection.fields.enumerated() {
                    if fieldIndex > 0 { object.append(UInt8(ascii: ",")) }
                    JSONValue.writeString(relatedField.name, to: &object)
                    object.append(UInt8(ascii: ":"))
                    if case .nested(let innerExpansion) = relatedField.kind {
                        let innerKey = row[fieldIndex + 1].map(\.text)
                        let objects = innerKey.flatMap { inner[fieldIndex + 1]?[$0] } ?? []
                        if innerExpansion.many {
                            object.append(UInt8(ascii: "["))
                            for (n, item) in objects.enumerated() {
                                if n > 0 { object.append(UInt8(ascii: ",")) }
                                object.append(contentsOf: item)
                            }
                            object.append(UInt8(ascii: "]"))
                        } else {
                            object.append(contentsOf: objects.first ?? RowJSONWriter.nullBytes)
                        }
                    } else {
                        RowJSONWriter.write(row[fieldIndex + 1], relatedField.kind, to: &object)
                    }
                }
                object.append(UInt8(ascii: "}"))
                byKey[key, default: []].append(object)
            }
            nested[index] = byKey
        }
        return nested
    }
}

extension FieldSelection {
    /// The selection with a leading key column, so that column `i + 1` holds field `i`.
    init(shifted selection: FieldSelection) {
        self.init(fields: [ResourceField.computed("__key", .integer, "NULL", label: "")] + selection.fields)
    }

    init(fields: [ResourceField]) { self.fields = fields }
}
