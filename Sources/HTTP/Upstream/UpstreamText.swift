/// Byte-level text helpers for the upstream client's header handling.
enum UpstreamText {
    /// ASCII case-insensitive comparison, as for header field names.
    static func sameFieldName(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        return startsWithIgnoringCase(a, b)
    }

    /// Whether field name `name` starts with lowercase `prefix`, ignoring ASCII case.
    static func hasFieldNamePrefix(_ name: String, _ prefix: String) -> Bool {
        name.utf8.count >= prefix.utf8.count && startsWithIgnoringCase(name, prefix)
    }

    /// Whether `text` starts with `prefix` (not longer than `text`), ignoring ASCII case: on the
    /// strings' contiguous bytes where they have them (native strings do), which is many times
    /// faster than iterating two `UTF8View`s in step.
    private static func startsWithIgnoringCase(_ text: String, _ prefix: String) -> Bool {
        let fast = text.utf8.withContiguousStorageIfAvailable { textBytes in
            prefix.utf8.withContiguousStorageIfAvailable { prefixBytes -> Bool in
                for index in 0..<prefixBytes.count where lower(textBytes[index]) != lower(prefixBytes[index]) { return false }
                return true
            }
        }
        if let fast, let result = fast { return result }
        return zip(text.utf8, prefix.utf8).allSatisfy { lower($0) == lower($1) }
    }

    /// `byte` lowercased if it is an ASCII capital letter.
    @inline(__always) static func lower(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    /// `text` lowercased (ASCII only).
    static func lowercased(_ text: Substring) -> String {
        String(decoding: text.utf8.map(lower), as: UTF8.self)
    }

    /// `text` without leading and trailing spaces and tabs.
    static func trimmed(_ text: Substring) -> Substring {
        var result = text
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }

    /// The comma-separated, trimmed, lowercased, non-empty elements of list-valued fields.
    static func listElements(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",") }.map { lowercased(trimmed($0)) }.filter { !$0.isEmpty }
    }

    /// Whether some comma-separated element of `values` is `token`, ignoring ASCII case and
    /// surrounding spaces; allocates nothing.
    static func listContains(_ values: [String], _ token: String) -> Bool {
        for value in values {
            var utf8 = value.utf8[...]
            while !utf8.isEmpty {
                let end = utf8.firstIndex(of: UInt8(ascii: ",")) ?? utf8.endIndex
                var element = utf8[utf8.startIndex..<end]
                while let first = element.first, first == 32 || first == 9 { element = element.dropFirst() }
                while let last = element.last, last == 32 || last == 9 { element = element.dropLast() }
                if element.count == token.utf8.count && zip(element, token.utf8).allSatisfy({ lower($0) == lower($1) }) { return true }
                utf8 = end == utf8.endIndex ? utf8[end...] : utf8[utf8.index(after: end)...]
            }
        }
        return false
    }

    /// RFC 9110 tchar.
    @inline(__always) static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}
