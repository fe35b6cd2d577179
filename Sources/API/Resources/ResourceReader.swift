import HTTP
import Postgres

/// Lists and details: a bounded number of statements per request (count, page, one per expansion),
/// rows written straight into the response's JSON bytes.
enum ResourceReader {
    /// The rows of `resource` matching `whereClause`, as JSON objects appended to `out` (comma separated).
    /// Parameter `$1` of every statement is the signed-in user's id (fields like `starred` read it).
    /// `ids` (an integer array literal), when given, are the rows `whereClause` selects, in order: then a resource
    /// with `selectJoins` reads them at once, without the statement that would choose them.
    static func writeRows(_ resource: Resource, _ selection: FieldSelection, from connection: PostgresConnection,
                          where whereClause: String, _ parameters: [PostgresValue?], orderBy: String, tail: String = "",
                          ids: String? = nil, to out: inout [UInt8]) throws -> Int {
        let result = try pageRows(resource, select: selection.selectList, where: whereClause, parameters, orderBy: orderBy,
                                  tail: tail, ids: ids, connection: connection)
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

    /// The placeholder of the page's primary keys (an integer array) in `selectJoins`.
    public static let pageIDs = "$2::integer[]"

    /// The page's rows. A resource with `selectJoins` takes two statements: the page's ids (filters, order, limit),
    /// then the rows of exactly those ids, so that the joins compute their figures for the page only, indexed by
    /// `= ANY(<pageIDs>)` (one grouped pass per table, whatever the page size).
    static func pageRows(_ resource: Resource, select: String, where whereClause: String, _ parameters: [PostgresValue?],
                         orderBy: String, tail: String = "", ids knownIDs: String? = nil,
                         connection: PostgresConnection) throws -> PostgresResult {
        guard !resource.selectJoins.isEmpty else {
            return try ResourceSQL.query(connection, "SELECT \(select) FROM \(resource.from) WHERE \(userGuard) AND \(whereClause) ORDER BY \(orderBy)\(tail)",
                                         parameters)
        }
        let idList = try knownIDs ?? "{" + ResourceSQL.query(
            connection, "SELECT t.id FROM \(resource.from) WHERE \(userGuard) AND \(whereClause) ORDER BY \(orderBy)\(tail)",
            parameters).map { $0[0]?.text ?? "0" }.joined(separator: ",") + "}"
        return try ResourceSQL.query(connection, """
            SELECT \(select) FROM unnest(\(pageIDs)) WITH ORDINALITY AS page(id, position) JOIN \(resource.table) t ON t.id = page.id \
            \(resource.joins) \(resource.selectJoins) WHERE \(userGuard) ORDER BY page.position
            """, [parameters.first ?? nil, idList])
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
            // One object per key, looked up by primary key: the keys are the rows (their order does not matter).
            let byPrimaryKey = !expansion.many && expansion.relatedKey == "t.id" && related.scope == nil
            let rows = try pageRows(related, select: "\(expansion.relatedKey), \(relatedSelection.selectList)",
                                    where: "\(expansion.relatedKey) = ANY($2::integer[])", [userID, keyList],
                                    orderBy: "\(related.defaultOrdering), t.id", ids: byPrimaryKey ? keyList : nil,
                                    connection: connection)
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
