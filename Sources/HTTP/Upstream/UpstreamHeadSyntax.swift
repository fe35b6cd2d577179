import Glibc

/// Parses a response head (status line, fields, blank line) in one pass over its bytes: line ends,
/// field syntax, the body's framing and which fields the client may see are all decided on the
/// way, without creating a string for any field. The fields are kept as ranges into the head's bytes.
enum UpstreamHeadSyntax {
    struct Parsed {
        var head: UpstreamResponseHead
        var keepAlive: Bool
        /// Bytes of the head, its blank line included.
        var length: Int
    }

    /// Parses the head at the start of the `count` bytes at `base`, or returns nil if they end
    /// before its blank line. A CR must be followed by LF and an LF preceded by CR. `storage`, if
    /// given, is an array holding exactly the head's bytes (its fields then refer to it); else the
    /// head's bytes are copied.
    ///
    /// The errors are those of a head whose line ends were already checked (`HTTPResponseHeadParser`
    /// checks them first, so that an error does not depend on how the bytes were split): for the
    /// first faulty line, in order, then for the framing.
    static func parse(_ base: UnsafePointer<UInt8>, count: Int, storage: [UInt8]?, requestWasHead: Bool,
                      maxHeaderCount: Int) throws -> Parsed? {
        // The status line: field-value bytes up to its CR.
        var index = 0
        while index + 8 <= count && !hasControlOrDelete(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) { index += 8 }
        while index < count && base[index] != 13 && base[index] != 10 { index += 1 }
        guard index + 1 < count else { return nil }
        try expectLineEnd(base, index)
        let (minor, status, reason) = try parseStatusLine(UnsafeBufferPointer(start: base, count: index))
        index += 2

        // Only the fields the client may see are kept: all of them are found again in the bytes if asked for.
        var clientFields: [HTTPHeaders.Field] = []
        clientFields.reserveCapacity(12)
        var fieldCount = 0
        var facts = FramingFacts()
        while true {
            guard index < count else { return nil }
            let lineStart = index
            let first = base[index]
            if first == 13 {
                // The blank line that ends the head.
                guard index + 1 < count else { return nil }
                try expectLineEnd(base, index)
                index += 2
                break
            }
            if first == 32 || first == 9 { throw UpstreamParseError.invalid("obsolete line folding") }
            guard fieldCount < maxHeaderCount else {
                throw UpstreamParseError.tooLarge("more than \(maxHeaderCount) header fields")
            }
            while index < count && isTokenCharacter(base[index]) { index += 1 }
            guard index < count else { return nil }
            let nameEnd = index
            guard nameEnd > lineStart, base[index] == UInt8(ascii: ":") else { try nameError(base, count, lineStart) }
            index += 1
            while index < count && (base[index] == 32 || base[index] == 9) { index += 1 }
            let valueStart = index
            // Eight bytes at a time up to the word holding the value's CR (or a tab, or a byte to refuse).
            while index + 8 <= count && !hasControlOrDelete(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) {
                index += 8
            }
            while index < count && isFieldValueByte(base[index]) { index += 1 }
            guard index + 1 < count else { return nil }
            if base[index] != 13 {
                try expectLineEnd(base, index)
                throw UpstreamParseError.invalid("invalid character in the value of "
                    + String(decoding: UnsafeBufferPointer(start: base + lineStart, count: nameEnd - lineStart), as: UTF8.self))
            }
            try expectLineEnd(base, index)
            var valueEnd = index
            while valueEnd > valueStart && (base[valueEnd - 1] == 32 || base[valueEnd - 1] == 9) { valueEnd -= 1 }
            index += 2
            let field = HTTPHeaders.Field(nameStart: Int32(lineStart), nameEnd: Int32(nameEnd),
                                          valueStart: Int32(valueStart), valueEnd: Int32(valueEnd))
            let name = UnsafeBufferPointer(start: base + lineStart, count: nameEnd - lineStart)
            let value = UnsafeBufferPointer(start: base + valueStart, count: valueEnd - valueStart)
            fieldCount += 1
            if !facts.note(name, value) { clientFields.append(field) }
        }

        let head = storage ?? Array(UnsafeBufferPointer(start: base, count: index))
        let (framing, keepAlive) = try facts.framing(status: status, minor: minor, requestWasHead: requestWasHead)
        if facts.connectionNamesFields { clientFields = withoutNamedInConnection(clientFields, head) }
        let parsed = UpstreamResponseHead(minorVersion: minor, status: status, reason: reason, framing: framing,
                                          client: HTTPHeaders(storage: head, fields: clientFields))
        return Parsed(head: parsed, keepAlive: keepAlive, length: index)
    }

    /// The ranges of every field of `head`, the bytes of a head that `parse` accepted (status line to blank line).
    static func fieldRanges(_ head: [UInt8]) -> [HTTPHeaders.Field] {
        head.withUnsafeBufferPointer { bytes in
            var fields: [HTTPHeaders.Field] = []
            // Each line ends with CR LF, and a field line has a colon: `parse` made sure.
            func lineEnd(from start: Int) -> Int {
                var end = start
                while end < bytes.count && bytes[end] != 13 { end += 1 }
                return end
            }
            var index = lineEnd(from: 0) + 2
            while index < bytes.count && bytes[index] != 13 {
                let end = lineEnd(from: index)
                var colon = index
                while colon < end && bytes[colon] != UInt8(ascii: ":") { colon += 1 }
                var valueStart = colon + 1
                var valueEnd = end
                while valueStart < valueEnd && (bytes[valueStart] == 32 || bytes[valueStart] == 9) { valueStart += 1 }
                while valueEnd > valueStart && (bytes[valueEnd - 1] == 32 || bytes[valueEnd - 1] == 9) { valueEnd -= 1 }
                fields.append(HTTPHeaders.Field(nameStart: Int32(index), nameEnd: Int32(colon),
                                                valueStart: Int32(valueStart), valueEnd: Int32(valueEnd)))
                index = end + 2
            }
            return fields
        }
    }

    /// What the fields say about the body's framing and the connection, gathered field by field.
    private struct FramingFacts {
        var closes = false
        var keepsAlive = false
        /// A `Connection` field lists something other than `close` and `keep-alive`, which may be a field name.
        var connectionNamesFields = false
        var lengthCount = 0
        var length: Int64?
        var malformedLength: String?
        var transferEncodings: [String] = []

        /// Takes note of one field; returns whether the client must not see it (hop-by-hop or `Date`).
        mutating func note(_ name: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>) -> Bool {
            switch name.count {
            case 2:
                if UpstreamText.isName(name, "te") { return true }
            case 4:
                if UpstreamText.isName(name, "date") { return true }
            case 7:
                if UpstreamText.isName(name, "trailer") || UpstreamText.isName(name, "upgrade") { return true }
            case 10:
                if UpstreamText.isName(name, "connection") {
                    noteConnection(value)
                    return true
                }
                if UpstreamText.isName(name, "keep-alive") { return true }
            case 14:
                if UpstreamText.isName(name, "content-length") {
                    lengthCount += 1
                    if lengthCount == 1 {
                        length = decimal(value)
                        if length == nil { malformedLength = String(decoding: value, as: UTF8.self) }
                    }
                    return false
                }
            case 17:
                if UpstreamText.isName(name, "transfer-encoding") {
                    transferEncodings.append(String(decoding: value, as: UTF8.self))
                    return true
                }
            default: break
            }
            return name.count >= 6 && UpstreamText.isName(UnsafeBufferPointer(rebasing: name[0..<6]), "proxy-")
        }

        /// The elements of one `Connection` value.
        private mutating func noteConnection(_ value: UnsafeBufferPointer<UInt8>) {
            forEachListElement(value) { element in
                guard !element.isEmpty else { return true }
                if element.count == 5 && UpstreamText.isName(element, "close") {
                    closes = true
                    // A field called "Close" would be named by it too.
                    connectionNamesFields = true
                } else if element.count == 10 && UpstreamText.isName(element, "keep-alive") {
                    keepsAlive = true
                } else {
                    connectionNamesFields = true
                }
                return true
            }
        }

        /// The body's framing and whether the connection may be reused; throws for ambiguous framing.
        func framing(status: Int, minor: Int, requestWasHead: Bool) throws -> (UpstreamBodyFraming, Bool) {
            var keepAlive = minor == 1 ? !closes : keepsAlive
            let hasTransferEncoding = !transferEncodings.isEmpty
            if hasTransferEncoding && lengthCount > 0 {
                throw UpstreamParseError.invalid("both Content-Length and Transfer-Encoding")
            }
            if lengthCount > 1 { throw UpstreamParseError.invalid("repeated Content-Length") }
            if let malformedLength { throw UpstreamParseError.invalid("malformed Content-Length '\(malformedLength)'") }
            if hasTransferEncoding && UpstreamText.listElements(transferEncodings) != ["chunked"] {
                throw UpstreamParseError.invalid("unsupported Transfer-Encoding '\(transferEncodings.joined(separator: ", "))'")
            }
            if status == 101 { return (.untilClose, false) }
            if requestWasHead || status < 200 || status == 204 || status == 304 { return (.none, keepAlive) }
            if hasTransferEncoding { return (.chunked, keepAlive) }
            if let length { return (.contentLength(length), keepAlive) }
            keepAlive = false
            return (.untilClose, keepAlive)
        }
    }

    /// `fields` of `head` without those named in a `Connection` field.
    private static func withoutNamedInConnection(_ fields: [HTTPHeaders.Field], _ head: [UInt8]) -> [HTTPHeaders.Field] {
        let all = HTTPHeaders(storage: head, fields: fieldRanges(head))
        return head.withUnsafeBufferPointer { buffer in
            fields.filter { !all.isNamedInConnection(HTTPHeaders.bytes(buffer, $0.nameStart, $0.nameEnd), buffer) }
        }
    }

    /// Throws unless the byte at `index` is a CR followed by an LF (`index + 1` is within the bytes).
    @inline(__always)
    private static func expectLineEnd(_ base: UnsafePointer<UInt8>, _ index: Int) throws {
        if base[index] == 10 { throw UpstreamParseError.invalid("bare LF") }
        if base[index] == 13 && base[index + 1] != 10 { throw UpstreamParseError.invalid("bare CR") }
    }

    /// The error for a field line starting at `lineStart` whose name is not a token followed by a colon.
    private static func nameError(_ base: UnsafePointer<UInt8>, _ count: Int, _ lineStart: Int) throws -> Never {
        var lineEnd = lineStart
        while lineEnd < count && base[lineEnd] != 13 && base[lineEnd] != 10 { lineEnd += 1 }
        let line = UnsafeBufferPointer(start: base + lineStart, count: lineEnd - lineStart)
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            throw UpstreamParseError.invalid("header line without a colon: '\(printable(line))'")
        }
        throw UpstreamParseError.invalid("invalid header name '\(printable(UnsafeBufferPointer(rebasing: line[0..<colon])))'")
    }

    /// `HTTP/1.x SSS reason`; the space before an empty reason may be missing.
    private static func parseStatusLine(_ bytes: UnsafeBufferPointer<UInt8>) throws -> (Int, Int, String) {
        // "HTTP/1." as the first seven bytes of a little-endian word.
        guard bytes.count >= 12, let start = bytes.baseAddress,
              UnsafeRawPointer(start).loadUnaligned(as: UInt64.self) & 0x00FF_FFFF_FFFF_FFFF == 0x002E_312F_5054_5448,
              bytes[8] == 32 else {
            throw UpstreamParseError.invalid("malformed status line '\(printable(bytes))'")
        }
        guard bytes[7] == UInt8(ascii: "0") || bytes[7] == UInt8(ascii: "1") else {
            throw UpstreamParseError.invalid("unsupported version in status line '\(printable(bytes))'")
        }
        var status = 0
        for byte in bytes[9..<12] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw UpstreamParseError.invalid("malformed status code in '\(printable(bytes))'")
            }
            status = status * 10 + Int(byte - UInt8(ascii: "0"))
        }
        guard (100...599).contains(status) else { throw UpstreamParseError.invalid("status code \(status) out of range") }
        var reason = ""
        if bytes.count > 12 {
            guard bytes[12] == 32 else { throw UpstreamParseError.invalid("malformed status line '\(printable(bytes))'") }
            let text = UnsafeBufferPointer(rebasing: bytes[13...])
            guard text.allSatisfy(isFieldValueByte) else { throw UpstreamParseError.invalid("control character in reason phrase") }
            reason = text.count == 2 && text[0] == UInt8(ascii: "O") && text[1] == UInt8(ascii: "K") ? "OK" : String(decoding: text, as: UTF8.self)
        }
        return (Int(bytes[7] - UInt8(ascii: "0")), status, reason)
    }

    /// 1 to 18 decimal digits, else nil.
    private static func decimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value: Int64 = 0
        for byte in bytes {
            guard byte >= 48 && byte <= 57 else { return nil }
            value = value * 10 + Int64(byte - 48)
        }
        return value
    }

    /// Whether some byte of `word` is below 0x20 or is 0x7F (the borrow tricks of "Bit Twiddling
    /// Hacks": exact for "some byte", which is all that is asked).
    @inline(__always)
    private static func hasControlOrDelete(_ word: UInt64) -> Bool {
        let high: UInt64 = 0x8080_8080_8080_8080
        let below32 = (word &- 0x2020_2020_2020_2020) & ~word & high
        let delete = word ^ 0x7F7F_7F7F_7F7F_7F7F
        let isDelete = (delete &- 0x0101_0101_0101_0101) & ~delete & high
        return below32 | isDelete != 0
    }

    /// field-vchar, SP, HTAB, obs-text.
    @inline(__always)
    private static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte == 9 || (byte >= 32 && byte != 127)
    }

    private static func printable(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: bytes.prefix(80).map { $0 >= 32 && $0 < 127 ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
    }
}
