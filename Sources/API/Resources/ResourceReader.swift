import HTTP
import Postgres

/// Lists and details: a bounded number of statements per request (count, page, one per expansion),
/// rows written straight into the response's JSON bytes.
enum ResourceReader {
    /// The rows of `resource` matching `whereClause`, as JSON objects appended to `out` (comma separated).
    /// Parameter `$1` of every statement is the signed-in user's id (fields like `starred` read it).
    /// `ids` (an integer array literal), when given, are the rows `whereClause` selects, in order: then a resource
    /// with `selectJoins` reads them at once, without the statement that would choose them.
    /// With `cache` (reads outside a transaction only), a resource with `cachesRows` renders only the rows that the
    /// cache does not hold for the data version the reader sees; it then also reads `countColumn` (an SQL expression,
    /// the list's `count`) with the page's ids and passes it to `onCount`, which is not called otherwise.
    static func writeRows(_ resource: Resource, _ selection: FieldSelection, from connection: PostgresConnection,
                          where whereClause: String, _ parameters: [PostgresValue?], orderBy: String, tail: String = "",
                          ids: String? = nil, cache: RowCache? = nil, userID: Int = 0, countColumn: String? = nil,
                          onCount: ((Int) -> Void)? = nil, to out: inout [UInt8]) throws -> Int {
        if let cache, resource.cachesRows, connection.isIdleOutsideTransaction {
            return try writeCachedRows(resource, selection, from: connection, where: whereClause, parameters, orderBy: orderBy,
                                       tail: tail, ids: ids, cache: cache, userID: userID, countColumn: countColumn,
                                       onCount: onCount, to: &out)
        }
        let result = try pageRows(resource, select: selection.selectList, where: whereClause, parameters, orderBy: orderBy,
                                  tail: tail, ids: ids, connection: connection)
        var ends: [Int]? = nil
        try writeObjects(selection, result, keyColumns: 0, connection, userID: parameters.first ?? nil, to: &out, ends: &ends)
        return result.count
    }

    /// The cached path: the page's ids with the data version in one statement (one snapshot), the cache's rows,
    /// then one rendering of the rows it lacks, which it keeps.
    private static func writeCachedRows(_ resource: Resource, _ selection: FieldSelection, from connection: PostgresConnection,
                                        where whereClause: String, _ parameters: [PostgresValue?], orderBy: String,
                                        tail: String, ids knownIDs: String?, cache: RowCache, userID: Int,
                                        countColumn: String?, onCount: ((Int) -> Void)?, to out: inout [UInt8]) throws -> Int {
        let version = dataVersionColumns + (countColumn.map { ", " + $0 } ?? "")
        let page: PostgresResult
        if let knownIDs {
            page = try ResourceSQL.query(connection, "SELECT page.id, \(version) FROM unnest($1::integer[]) AS page(id)", [knownIDs])
        } else {
            page = try ResourceSQL.query(connection, "SELECT t.id, \(version) FROM \(resource.from) WHERE \(userGuard) AND \(whereClause) ORDER BY \(orderBy)\(tail)",
                                         parameters)
        }
        guard page.count > 0 else { return 0 }
        if countColumn != nil { onCount?(try page[0].decode(3, as: Int.self)) }
        var ids: [Int] = []
        ids.reserveCapacity(page.count)
        for row in page { ids.append(try row.decode(0, as: Int.self)) }
        let seen = RowCache.Version(counter: try page[0].decode(1, as: Int64.self), day: try page[0].decode(2, as: String.self))
        let key = resource.path + "|" + resource.table + "|" + selection.fields.map(\.name).joined(separator: ",")
        let cached = cache.rows(ids, selection: key, userID: userID, version: seen)
        var rendered: [Int: [UInt8]] = [:]
        let missing = ids.filter { cached?[$0] == nil }
        if !missing.isEmpty {
            let result = try rows(resource, select: "t.id, " + selection.selectList,
                                  ids: "{" + missing.map(String.init).joined(separator: ",") + "}",
                                  userID: parameters.first ?? nil, connection: connection)
            var buffer: [UInt8] = []
            var ends: [Int]? = []
            try writeObjects(selection, result, keyColumns: 1, connection, userID: parameters.first ?? nil, to: &buffer, ends: &ends)
            var start = 0
            var fresh: [(id: Int, json: [UInt8])] = []
            for (index, end) in (ends ?? []).enumerated() {
                let id = try result[index].decode(0, as: Int.self)
                let json = Array(buffer[start..<end])
                rendered[id] = json
                fresh.append((id, json))
                start = end
            }
            cache.store(fresh, selection: key, userID: userID, version: seen)
        }
        var written = 0
        for id in ids {
            guard let json = cached?[id] ?? rendered[id] else { continue }
            if written > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: json)
            written += 1
        }
        return written
    }

    /// One JSON object per row of `result` (whose first `keyColumns` columns are not fields), comma separated unless
    /// `ends` is given: then objects follow each other and `ends` receives where each ends in `out`.
    private static func writeObjects(_ selection: FieldSelection, _ result: PostgresResult, keyColumns: Int,
                                     _ connection: PostgresConnection, userID: PostgresValue?, to out: inout [UInt8],
                                     ends: inout [Int]?) throws {
        let nested = try loadNested(selection, result, connection, userID: userID, keyColumns: keyColumns)
        let names = selection.fields.map { field -> [UInt8] in
            var name: [UInt8] = []
            JSONValue.writeString(field.name, to: &name)
            name.append(UInt8(ascii: ":"))
            return name
        }
        for rowIndex in 0..<result.count {
            if rowIndex > 0 && ends == nil { out.append(UInt8(ascii: ",")) }
            let row = result[rowIndex]
            out.append(UInt8(ascii: "{"))
            for (index, field) in selection.fields.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: names[index])
                let cell = row[index + keyColumns]
                if case .nested(let expansion) = field.kind {
                    let key = cell.map(\.text)
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
                    RowJSONWriter.write(cell, field.kind, to: &out)
                }
            }
            out.append(UInt8(ascii: "}"))
            ends?.append(out.count)
        }
    }

    /// The data version a cached row is valid for: migration 15's counter and the date.
    static let dataVersionColumns = "(SELECT sum(v.version)::bigint FROM stockroom_dataversion v), current_date::text"

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
        return try rows(resource, select: select, ids: idList, userID: parameters.first ?? nil, connection: connection)
    }

    /// The rows of `ids` (an integer array literal), in that order, with the joins of `resource`.
    static func rows(_ resource: Resource, select: String, ids: String, userID: PostgresValue?,
                     connection: PostgresConnection) throws -> PostgresResult {
        try ResourceSQL.query(connection, """
            SELECT \(select) FROM unnest(\(pageIDs)) WITH ORDINALITY AS page(id, position) JOIN \(resource.table) t ON t.id = page.id \
            \(resource.joins) \(resource.selectJoins) WHERE \(userGuard) ORDER BY page.position
            """, [userID, ids])
    }

    /// A condition that uses `$1` (the user's id) so that every statement binds it with a known type.
    static let userGuard = "$1::integer IS NOT NULL"

    /// One statement per nested field: the related objects of every key on the page, rendered, by key.
    private static func loadNested(_ selection: FieldSelection, _ result: PostgresResult, _ connection: PostgresConnection,
                                   userID: PostgresValue?, keyColumns: Int = 0) throws -> [Int: [String: [[UInt8]]]] {
        var nested: [Int: [String: [[UInt8]]]] = [:]
        for (index, field) in selection.fields.enumerated() {
            guard case .nested(let expansion) = field.kind else { continue }
            var keys = Set<String>()
            for row in result { if let cell = row[index + keyColumns] { keys.insert(cell.text) } }
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
