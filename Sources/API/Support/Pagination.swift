import HTTP

/// DRF's LimitOffsetPagination as InvenTree uses it: with `?limit=N` (a positive integer) a list
/// answers `{count, next, previous, results}`; without it, the bare list.
struct Pagination: Equatable {
    /// nil: not paginated.
    let limit: Int?
    let offset: Int

    init(limit: Int?, offset: Int) {
        self.limit = limit
        self.offset = offset
    }

    /// Reads `limit` and `offset` as DRF does: a limit that is not a positive integer means no
    /// pagination; an offset that is not a non-negative integer means 0.
    init(query: [(String, String)]) {
        let limitText = query.first { $0.0 == "limit" }?.1
        let offsetText = query.first { $0.0 == "offset" }?.1
        if let text = limitText, let value = Int(text), value > 0 { limit = value } else { limit = nil }
        if let text = offsetText, let value = Int(text), value >= 0 { offset = value } else { offset = 0 }
    }

    /// SQL to append to a query whose rows are the list (`LIMIT n OFFSET m`, or nothing).
    var sqlClause: String {
        guard let limit else { return "" }
        return " LIMIT \(limit) OFFSET \(offset)"
    }

    /// The rows of a whole in-memory list that this page shows.
    func slice<T>(_ all: [T]) -> [T] {
        guard let limit else { return all }
        guard offset < all.count else { return [] }
        return Array(all[offset..<min(all.count, offset + limit)])
    }

    /// The answer: a bare list, or the page with `count` (of the whole list) and absolute next/previous links.
    func body(results: [JSONValue], count: Int, url: PageURL) -> JSONValue {
        guard let limit else { return .array(results) }
        let next: JSONValue = offset + limit >= count ? .null
            : .string(url.with(["limit": String(limit), "offset": String(offset + limit)]))
        let previous: JSONValue
        if offset <= 0 {
            previous = .null
        } else if offset - limit <= 0 {
            previous = .string(url.with(["limit": String(limit)], removing: ["offset"]))
        } else {
            previous = .string(url.with(["limit": String(limit), "offset": String(offset - limit)]))
        }
        return .object([("count", .int(count)), ("next", next), ("previous", previous), ("results", .array(results))])
    }
}

/// The request's absolute URL, for pagination links (Django's `replace_query_param`: parameters sorted by name).
struct PageURL {
    let base: String
    let query: [(String, String)]

    init(base: String, query: [(String, String)]) {
        self.base = base
        self.query = query
    }

    func with(_ replacements: [String: String], removing: Set<String> = []) -> String {
        var items = query.filter { replacements[$0.0] == nil && !removing.contains($0.0) }
        items += replacements.map { ($0.key, $0.value) }
        items.sort { $0.0 < $1.0 }
        let text = items.map { FormEncoding.encode($0.0) + "=" + FormEncoding.encode($0.1) }.joined(separator: "&")
        return text.isEmpty ? base : base + "?" + text
    }
}

/// Python's `urlencode` quoting (quote_plus): unreserved characters as they are, space as `+`.
enum FormEncoding {
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                out.append("+")
            default:
                let hex = Array("0123456789ABCDEF")
                out.append("%")
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            }
        }
        return out
    }
}

extension APICall {
    /// The pagination the request asks for.
    var pagination: Pagination { Pagination(query: request.queryItems) }

    /// The request's own URL, for pagination links.
    var pageURL: PageURL {
        PageURL(base: client.absoluteURL(path: request.path, query: ""), query: request.queryItems)
    }

    /// A list answer: the page of `results` (already limited) out of `count`, or the bare list.
    func list(_ results: [JSONValue], count: Int) -> HTTPResponse {
        JSONResponse.make(pagination.body(results: results, count: count, url: pageURL))
    }

    /// A list answer from the whole list in memory.
    func list(all: [JSONValue]) -> HTTPResponse {
        list(pagination.slice(all), count: all.count)
    }
}
