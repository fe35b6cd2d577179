/// Entity tags: making them from a file's stat, and matching them against request headers.
public enum EntityTag {
    /// A strong tag in nginx's format, `"<mtime hex>-<size hex>"`, with `-<coding>` appended for a
    /// precompressed representation so that each encoding has its own tag.
    public static func make(for stat: FileStat, coding: String? = nil) -> String {
        let base = String(stat.modifiedSeconds, radix: 16) + "-" + String(stat.size, radix: 16)
        return "\"" + base + (coding.map { "-" + $0 } ?? "") + "\""
    }

    /// One parsed entity tag of a list.
    struct Parsed: Equatable {
        var weak: Bool
        var opaque: Substring
    }

    /// The tags of an `If-None-Match`/`If-Match` list (not `*`); nil if malformed.
    static func parseList(_ value: String) -> [Parsed]? {
        var tags: [Parsed] = []
        var rest = Substring(value)
        while true {
            rest = rest.drop(while: { $0 == " " || $0 == "\t" || $0 == "," })
            if rest.isEmpty { return tags }
            guard let tag = parseOne(&rest) else { return nil }
            tags.append(tag)
            rest = rest.drop(while: { $0 == " " || $0 == "\t" })
            if !rest.isEmpty && rest.first != "," { return nil }
        }
    }

    /// Parses one tag (`"x"` or `W/"x"`) from the front of `text`.
    static func parseOne(_ text: inout Substring) -> Parsed? {
        var weak = false
        if text.hasPrefix("W/") {
            weak = true
            text = text.dropFirst(2)
        }
        guard text.first == "\"" else { return nil }
        let body = text.dropFirst()
        guard let close = body.firstIndex(of: "\"") else { return nil }
        let opaque = body[body.startIndex..<close]
        guard opaque.utf8.allSatisfy({ $0 == 0x21 || (0x23...0x7E).contains($0) || $0 >= 0x80 })
        else { return nil }
        text = body[body.index(after: close)...]
        return Parsed(weak: weak, opaque: opaque)
    }

    private static func isWildcard(_ value: String) -> Bool {
        trimOWS(value) == "*"
    }

    /// `If-None-Match` by weak comparison: true if any listed tag (or `*`) matches `etag`.
    public static func noneMatchHits(_ ifNoneMatch: String, etag: String) -> Bool {
        if ifNoneMatch == etag || isWildcard(ifNoneMatch) { return true }  // the first test is the usual revalidation
        var current = Substring(etag)
        guard let mine = parseOne(&current), let tags = parseList(ifNoneMatch) else { return false }
        return tags.contains { $0.opaque == mine.opaque }
    }

    /// `If-Match` by strong comparison: true if `*` or a listed strong tag equals the strong `etag`.
    public static func matchHits(_ ifMatch: String, etag: String) -> Bool {
        if isWildcard(ifMatch) { return true }
        guard let tags = parseList(ifMatch) else { return false }
        return tags.contains { strongEqual($0, etag) }
    }

    /// Strong comparison of a single tag (as in `If-Range`) with `etag`.
    public static func strongMatch(_ candidate: String, etag: String) -> Bool {
        var text = trimOWS(candidate)
        guard let tag = parseOne(&text), text.isEmpty else { return false }
        return strongEqual(tag, etag)
    }

    private static func strongEqual(_ tag: Parsed, _ etag: String) -> Bool {
        var current = Substring(etag)
        guard let mine = parseOne(&current) else { return false }
        return !tag.weak && !mine.weak && tag.opaque == mine.opaque
    }
}

/// `text` without leading and trailing spaces and tabs (HTTP's OWS).
fileprivate func trimOWS(_ text: String) -> Substring {
    let isOWS: (Character) -> Bool = { $0 == " " || $0 == "\t" }
    guard let first = text.firstIndex(where: { !isOWS($0) }), let last = text.lastIndex(where: { !isOWS($0) }) else {
        return ""
    }
    return text[first...last]
}
