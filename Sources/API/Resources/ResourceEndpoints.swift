import Auth
import HTTP
import Postgres

/// Registers a resource's endpoints: `<path>` (GET list, POST create, DELETE bulk, OPTIONS) and
/// `<path><pk>/` (GET, PUT, PATCH, DELETE, OPTIONS), each behind its role permission
/// (view for GET and OPTIONS, add for POST, change for PUT and PATCH, delete for DELETE).
enum ResourceEndpoints {
    static func register(_ router: APIRouter, _ context: APIContext, _ resource: Resource) {
        registerList(router, context, resource)
        registerDetail(router, context, resource)
    }

    static func registerList(_ router: APIRouter, _ context: APIContext, _ resource: Resource) {
        let path = resource.path
        router.add(.GET, path, .authenticated, guarded(resource, .view) { call in
            try context.pool.withConnection { try list(resource, call, $0, cache: context.rowCache) }
        })
        router.add(.OPTIONS, path, .authenticated, guarded(resource, .view) { call in
            JSONResponse.make(ResourceMetadata.json(resource, detail: false, permissions: call.user.permissions))
        })
        if resource.allowCreate {
            router.add(.POST, path, .authenticated, guarded(resource, .add) { call in
                let body = try requestBody(call)
                return try context.pool.transaction { connection in
                    if let response = try resource.createOverride?(call, body, connection) { return response }
                    let id = try ResourceWriter.write(resource, body: body, existingID: nil, partial: false,
                                                      userID: call.user.user.id, connection: connection)
                    return try detail(resource, call, id: id, connection, status: 201)
                }
            })
        }
        if resource.allowDelete {
            router.add(.DELETE, path, .authenticated, guarded(resource, .delete) { call in
                let body = try requestBody(call)
                try context.pool.transaction { try bulkDelete(resource, body, call, $0) }
                return HTTPResponse(status: 204)
            })
        }
    }

    static func registerDetail(_ router: APIRouter, _ context: APIContext, _ resource: Resource) {
        for pattern in [resource.path + ":pk/", resource.path + ":pk"] {
            router.add(.GET, pattern, .authenticated, guarded(resource, .view) { call in
                let id = try primaryKey(call, resource)
                return try context.pool.withConnection { try detail(resource, call, id: id, $0, cache: context.rowCache) }
            })
            router.add(.OPTIONS, pattern, .authenticated, guarded(resource, .view) { call in
                JSONResponse.make(ResourceMetadata.json(resource, detail: true, permissions: call.user.permissions))
            })
            if resource.allowUpdate {
                for (method, partial) in [(HTTPMethod.PUT, false), (.PATCH, true)] {
                    router.add(method, pattern, .authenticated, guarded(resource, .change) { call in
                        let id = try primaryKey(call, resource)
                        let body = try requestBody(call)
                        return try context.pool.transaction { connection in
                            try requireRow(resource, id, connection)
                            try requireRowAccess(resource, call, .change, id, connection)
                            if let response = try resource.updateOverride?(call, id, partial, connection) { return response }
                            _ = try ResourceWriter.write(resource, body: body, existingID: id, partial: partial,
                                                         userID: call.user.user.id, connection: connection)
                            return try detail(resource, call, id: id, connection)
                        }
                    })
                }
            }
            if resource.allowDelete {
                router.add(.DELETE, pattern, .authenticated, guarded(resource, .delete) { call in
                    let id = try primaryKey(call, resource)
                    try context.pool.transaction { connection in
                        try requireRowAccess(resource, call, .delete, id, connection)
                        try resource.beforeDelete?(connection, id)
                        do {
                            let deleted = try ResourceSQL.query(connection, "DELETE FROM \(resource.table) WHERE id = $1", [id])
                            guard deleted.affectedRows > 0 else { throw APIError.notFound(resource.verboseName) }
                        } catch let error as PostgresError {
                            throw ResourceWriter.constraintErrors(error, resource) ?? error
                        }
                    }
                    return HTTPResponse(status: 204)
                })
            }
        }
    }

    /// The permission check, then the body; validation failures answer 400 with DRF's field errors.
    static func guarded(_ resource: Resource, _ permission: Permission,
                        _ body: @escaping (APICall) throws -> HTTPResponse) -> (APICall) throws -> HTTPResponse {
        return { call in
            try call.user.permissions.require(table: resource.permissionTable, permission)
            do {
                return try body(call)
            } catch let errors as ValidationErrors {
                return errors.response
            }
        }
    }

    static func primaryKey(_ call: APICall, _ resource: Resource) throws -> Int {
        guard let id = call.request.primaryKey else { throw APIError.notFound(resource.verboseName) }
        return id
    }

    static func requireRow(_ resource: Resource, _ id: Int, _ connection: PostgresConnection) throws {
        if try ResourceSQL.query(connection, "SELECT 1 FROM \(resource.table) WHERE id = $1", [id]).isEmpty {
            throw APIError.notFound(resource.verboseName)
        }
    }

    /// 404 for a row the user may not see, 403 for one they may see but not change or delete.
    static func requireRowAccess(_ resource: Resource, _ call: APICall, _ permission: Permission, _ id: Int,
                                 _ connection: PostgresConnection) throws {
        guard let rowAccess = resource.rowAccess else { return }
        if let scope = resource.scope,
           try ResourceSQL.query(connection, "SELECT 1 FROM \(resource.from) WHERE t.id = $1 AND \(scope(call.user.permissions))", [id]).isEmpty {
            throw APIError.notFound(resource.verboseName)
        }
        guard try rowAccess(call.user.permissions, permission, id, connection) else { throw APIError.permissionDenied }
    }

    /// The request's JSON body (an empty body is an empty object, as DRF's parsers give).
    static func requestBody(_ call: APICall) throws -> JSONValue {
        // Uploads are read by the endpoints that take them (createOverride, updateOverride), from the raw body.
        if call.request.headers["Content-Type"]?.lowercased().hasPrefix("multipart/form-data") == true { return .object([]) }
        guard let bytes = call.request.body.readAll(), !bytes.isEmpty else { return .object([]) }
        do {
            return try JSONValue.parse(bytes)
        } catch {
            throw APIError.badRequest("JSON parse error - \(error)")
        }
    }

    // MARK: - Reading

    static func list(_ resource: Resource, _ call: APICall, _ connection: PostgresConnection,
                     cache: RowCache? = nil) throws -> HTTPResponse {
        let request = call.request
        var builder = FilterBuilder(connection: connection, userID: call.user.user.id) { request.query($0) }
        if let scope = resource.scope { builder.add(scope(call.user.permissions)) }
        var errors = ValidationErrors()
        for filter in resource.filters {
            guard let text = request.query(filter.name) else { continue }
            do {
                try filter.apply(text, &builder)
            } catch let failure as ValidationErrors {
                for (field, messages) in failure.fields { messages.forEach { errors.add(field, $0) } }
            }
        }
        guard errors.isEmpty else { throw errors }
        if let text = request.query("search"), !resource.search.isEmpty {
            let terms = text.replacingOccurrencesOfComma().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
            for term in terms {
                let placeholder = builder.bind("%" + escapeLike(String(term)) + "%")
                builder.add("(" + resource.search.map { $0.replacingPlaceholder(with: placeholder) }.joined(separator: " OR ") + ")")
            }
        }
        let orderBy = ordering(resource, request.query("ordering"))
        let selection = FieldSelection(resource, detail: false) { request.query($0) }
        let pagination = Pagination(query: request.queryItems)
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        guard let limit = pagination.limit else {
            out.append(UInt8(ascii: "["))
            _ = try ResourceReader.writeRows(resource, selection, from: connection, where: builder.whereClause,
                                             builder.parameters, orderBy: orderBy, cache: cache, userID: call.user.user.id,
                                             to: &out)
            out.append(UInt8(ascii: "]"))
            return HTTPResponse(status: 200, contentType: JSONResponse.contentType, body: out)
        }
        // Literal numbers, not parameters: a generic plan with a parameter as LIMIT plans for a tenth of the table and
        // may sort all of it, where LIMIT 50 walks an index that is already in order and stops after 50 rows.
        let tail = " LIMIT \(limit) OFFSET \(pagination.offset)"
        var rows: [UInt8] = []
        rows.reserveCapacity(out.capacity)
        var keptCount: Int?
        _ = try ResourceReader.writeRows(resource, selection, from: connection, where: builder.whereClause,
                                         builder.parameters, orderBy: orderBy, tail: tail, cache: cache,
                                         userID: call.user.user.id, countColumn: keptCountColumn(resource, builder),
                                         onCount: { keptCount = $0 }, to: &rows)
        let count = try keptCount ?? listCount(resource, builder, connection)
        let links = pagination.links(count: count, url: call.pageURL)
        out.append(contentsOf: Array("{\"count\":\(count),\"next\":".utf8))
        writeLink(links.next, &out)
        out.append(contentsOf: Array(",\"previous\":".utf8))
        writeLink(links.previous, &out)
        out.append(contentsOf: Array(",\"results\":[".utf8))
        out.append(contentsOf: rows)
        out.append(contentsOf: Array("]}".utf8))
        return HTTPResponse(status: 200, contentType: JSONResponse.contentType, body: out)
    }

    /// The kept row count as a column of the page's first statement, when nothing filters the list.
    static func keptCountColumn(_ resource: Resource, _ builder: FilterBuilder) -> String? {
        guard resource.rowCountKept && builder.isUnfiltered else { return nil }
        return "(SELECT row_count FROM stockroom_rowcount WHERE table_name = '\(resource.table)')"
    }

    /// The number of rows the list has: the kept row count when nothing filters it, otherwise counted.
    static func listCount(_ resource: Resource, _ builder: FilterBuilder, _ connection: PostgresConnection) throws -> Int {
        if resource.rowCountKept && builder.isUnfiltered,
           let row = try ResourceSQL.query(connection, "SELECT row_count FROM stockroom_rowcount WHERE table_name = $1",
                                           [resource.table]).first {
            return try row.decode(0, as: Int.self)
        }
        return try ResourceSQL.query(connection, "SELECT count(*) FROM \(resource.from) WHERE \(ResourceReader.userGuard) AND \(builder.whereClause)",
                                     builder.parameters).singleRow().decode(0, as: Int.self)
    }

    static func detail(_ resource: Resource, _ call: APICall, id: Int, _ connection: PostgresConnection,
                       status: Int = 200, cache: RowCache? = nil) throws -> HTTPResponse {
        let selection = FieldSelection(resource, detail: true) { call.request.query($0) }
        var out: [UInt8] = []
        out.reserveCapacity(2048)
        let scope = resource.scope.map { " AND " + $0(call.user.permissions) } ?? ""
        let found = try ResourceReader.writeRows(resource, selection, from: connection, where: "t.id = $2" + scope,
                                                 [call.user.user.id, id], orderBy: "t.id",
                                                 ids: resource.scope == nil ? "{\(id)}" : nil, cache: cache,
                                                 userID: call.user.user.id, to: &out)
        guard found == 1 else { throw APIError.notFound(resource.verboseName) }
        return HTTPResponse(status: status, contentType: JSONResponse.contentType, body: out)
    }

    /// DRF's OrderingFilter: known names in order (`-` descending), unknown ignored, then the default.
    static func ordering(_ resource: Resource, _ text: String?) -> String {
        var terms: [String] = []
        for name in (text ?? "").split(separator: ",") {
            let descending = name.hasPrefix("-")
            let key = String(descending ? name.dropFirst() : name[...])
            guard let expression = resource.ordering.first(where: { $0.0 == key })?.1 else { continue }
            terms.append(expression + (descending ? " DESC NULLS LAST" : " ASC NULLS FIRST"))
        }
        let base = terms.isEmpty ? resource.defaultOrdering : terms.joined(separator: ", ")
        return base + ", t.id"
    }

    static func writeLink(_ link: String?, _ out: inout [UInt8]) {
        if let link { JSONValue.writeString(link, to: &out) } else { out.append(contentsOf: RowJSONWriter.nullBytes) }
    }

    static func escapeLike(_ text: String) -> String {
        var out = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out
    }

    // MARK: - Bulk delete

    /// InvenTree's BulkDeleteMixin: `{"items": [pk, ...]}` and/or `{"filters": {field: value}}`.
    static func bulkDelete(_ resource: Resource, _ body: JSONValue, _ call: APICall, _ connection: PostgresConnection) throws {
        let selection = try BulkSelection(body)
        var conditions: [String] = []
        var parameters: [PostgresValue?] = []
        if let ids = selection.ids {
            parameters.append("{" + ids.map(String.init).joined(separator: ",") + "}")
            conditions.append("id = ANY($\(parameters.count)::integer[])")
        }
        for (name, value) in selection.filters ?? [] {
            guard let field = resource.fields.first(where: { $0.name == name && $0.column != nil }), let column = field.column
            else { throw BulkSelection.invalidFilters }
            if value == .null {
                conditions.append("\(column) IS NULL")
            } else {
                guard let text = try? ResourceWriter.convert(value, field, connection) else { throw BulkSelection.invalidFilters }
                parameters.append(text)
                conditions.append("\(column) = $\(parameters.count)\(field.kind.sqlCast)")
            }
        }
        do {
            let condition = conditions.joined(separator: " AND ")
            if resource.rowAccess != nil || resource.beforeDelete != nil {
                for row in try ResourceSQL.query(connection, "SELECT id FROM \(resource.table) WHERE \(condition)", parameters) {
                    let id = try row.decode(0, as: Int.self)
                    if let rowAccess = resource.rowAccess, try !rowAccess(call.user.permissions, .delete, id, connection) {
                        throw APIError.permissionDenied
                    }
                    try resource.beforeDelete?(connection, id)
                }
            }
            let deleted = try ResourceSQL.query(connection, "DELETE FROM \(resource.table) WHERE \(condition)", parameters).affectedRows
            if deleted == 0 { throw BulkSelection.nothingFound }
        } catch let error as PostgresError {
            throw ResourceWriter.constraintErrors(error, resource) ?? error
        }
    }
}

extension Pagination {
    /// The absolute next and previous page links, as DRF's LimitOffsetPagination builds them.
    func links(count: Int, url: PageURL) -> (next: String?, previous: String?) {
        guard let limit else { return (nil, nil) }
        let next = offset + limit >= count ? nil : url.with(["limit": String(limit), "offset": String(offset + limit)])
        let previous: String?
        if offset <= 0 {
            previous = nil
        } else if offset - limit <= 0 {
            previous = url.with(["limit": String(limit)], removing: ["offset"])
        } else {
            previous = url.with(["limit": String(limit), "offset": String(offset - limit)])
        }
        return (next, previous)
    }
}

extension String {
    /// DRF's search splits terms on commas as on whitespace.
    func replacingOccurrencesOfComma() -> String { String(map { $0 == "," ? " " : $0 }) }
}
