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
        values.contains { listContains($0, token) }
    }

    /// Whether some comma-separated element of the one field value `value` is `token` (as above).
    static func listContains(_ value: String, _ token: String) -> Bool {
        var value = value
        var token = token
        // On contiguous bytes (native strings), far cheaper than stepping through `UTF8View`s.
        return value.withUTF8 { bytes in token.withUTF8 { listContains(bytes, $0) } }
    }

    static func listContains(_ value: UnsafeBufferPointer<UInt8>, _ token: UnsafeBufferPointer<UInt8>) -> Bool {
        var found = false
        forEachListElement(value) { element in
            found = element.count == token.count && element.indices.allSatisfy { lower(element[$0]) == lower(token[$0]) }
            return !found
        }
        return found
    }

    /// Whether `bytes` (field-name or field-value bytes: no CR) are the ASCII letters and dashes of
    /// `lowercase`, in any case. Compares eight bytes at a time: setting bit 0x20 lowercases a letter
    /// and leaves a dash alone, and no other byte that may occur here becomes a letter or a dash.
    @inline(__always) static func isName(_ bytes: UnsafeBufferPointer<UInt8>, _ lowercase: StaticString) -> Bool {
        let count = lowercase.utf8CodeUnitCount
        guard bytes.count == count, let start = bytes.baseAddress else { return false }
        let a = UnsafeRawPointer(start)
        let b = UnsafeRawPointer(lowercase.utf8Start)
        if count >= 8 {
            var offset = 0
            while offset + 8 < count {
                if a.loadUnaligned(fromByteOffset: offset, as: UInt64.self) | 0x2020_2020_2020_2020
                    != b.loadUnaligned(fromByteOffset: offset, as: UInt64.self) { return false }
                offset += 8
            }
            return a.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) | 0x2020_2020_2020_2020
                == b.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        }
        if count >= 4 {
            return a.loadUnaligned(as: UInt32.self) | 0x2020_2020 == b.loadUnaligned(as: UInt32.self)
                && a.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self) | 0x2020_2020
                == b.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
        }
        for index in 0..<count where start[index] | 0x20 != lowercase.utf8Start[index] { return false }
        return true
    }
}
