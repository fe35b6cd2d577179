import Glibc

/// Parses a complete response head (status line, fields, blank line; CRLF already verified) and
/// decides the body's framing. The fields are kept as ranges into the head's bytes.
enum UpstreamHeadSyntax {
    static func parse(_ bytes: [UInt8], requestWasHead: Bool, maxHeaderCount: Int) throws
        -> (head: UpstreamResponseHead, keepAlive: Bool) {
        var statusLine: (minor: Int, status: Int, reason: String)?
        var fields: [HTTPHeaders.Field] = []
        var endsWithEmptyLine = false
        try bytes.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return }
            var lineStart = 0
            // From line end to line end with memchr (every CR is followed by LF: the caller checked).
            while lineStart < bytes.count, let found = memchr(base + lineStart, 13, bytes.count - lineStart) {
                let lineEnd = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
                guard lineEnd + 1 < bytes.count else { break }
                let lineRange = lineStart..<lineEnd
                let index = lineEnd + 2
                lineStart = index
                if statusLine == nil {
                    statusLine = try parseStatusLine(UnsafeBufferPointer(rebasing: bytes[lineRange]))
                    fields.reserveCapacity(12)
                } else if lineRange.isEmpty && index >= bytes.count {
                    // The empty line that ends the head.
                    endsWithEmptyLine = true
                } else {
                    guard fields.count < maxHeaderCount else {
                        throw UpstreamParseError.tooLarge("more than \(maxHeaderCount) header fields")
                    }
                    fields.append(try parseField(bytes, lineRange))
                }
            }
        }
        guard let (minor, status, reason) = statusLine, endsWithEmptyLine else { throw UpstreamParseError.invalid("empty head") }
        let headers = HTTPHeaders(storage: bytes, fields: fields)
        let (framing, keepAlive) = try framing(headers, status: status, minor: minor, requestWasHead: requestWasHead)
        return (UpstreamResponseHead(minorVersion: minor, status: status, reason: reason, fields: headers, framing: framing),
                keepAlive)
    }

    private static let httpVersionPrefix = Array("HTTP/1.".utf8)

    /// `HTTP/1.x SSS reason`; the space before an empty reason may be missing.
    private static func parseStatusLine(_ bytes: UnsafeBufferPointer<UInt8>) throws -> (Int, Int, String) {
        guard bytes.count >= 12, bytes.starts(with: httpVersionPrefix), bytes[8] == 32 else {
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
            reason = String(decoding: text, as: UTF8.self)
        }
        return (Int(bytes[7] - UInt8(ascii: "0")), status, reason)
    }

    /// The field on `range` of `bytes` (one line without its CRLF), as ranges of `bytes`.
    private static func parseField(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws -> HTTPHeaders.Field {
        let line = UnsafeBufferPointer(rebasing: bytes[range])
        guard let first = line.first else { throw UpstreamParseError.invalid("empty header line") }
        if first == 32 || first == 9 { throw UpstreamParseError.invalid("obsolete line folding") }
        // The name's bytes are checked on the way to the colon: one pass.
        var colon = 0
        while colon < line.count && line[colon] != UInt8(ascii: ":") && UpstreamText.isTokenByte(line[colon]) { colon += 1 }
        guard colon > 0, colon < line.count, line[colon] == UInt8(ascii: ":") else {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                throw UpstreamParseError.invalid("header line without a colon: '\(printable(line))'")
            }
            throw UpstreamParseError.invalid("invalid header name '\(printable(UnsafeBufferPointer(rebasing: line[0..<colon])))'")
        }
        let name = UnsafeBufferPointer(rebasing: line[0..<colon])
        var valueStart = colon + 1
        var valueEnd = line.count
        while valueStart < valueEnd, line[valueStart] == 32 || line[valueStart] == 9 { valueStart += 1 }
        while valueEnd > valueStart, line[valueEnd - 1] == 32 || line[valueEnd - 1] == 9 { valueEnd -= 1 }
        let value = UnsafeBufferPointer(rebasing: line[valueStart..<valueEnd])
        guard value.allSatisfy(isFieldValueByte) else {
            throw UpstreamParseError.invalid("invalid character in the value of \(String(decoding: name, as: UTF8.self))")
        }
        let base = range.lowerBound
        return HTTPHeaders.Field(nameStart: Int32(base), nameEnd: Int32(base + colon),
                                 valueStart: Int32(base + valueStart), valueEnd: Int32(base + valueEnd))
    }

    private static func framing(_ headers: HTTPHeaders, status: Int, minor: Int,
                                requestWasHead: Bool) throws -> (UpstreamBodyFraming, Bool) {
        // One pass over the fields' bytes, collecting nothing in the common case (one Connection, one
        // Content-Length, no Transfer-Encoding).
        var closes = false
        var keepsAlive = false
        var transferEncodings: [String] = []
        var lengthCount = 0
        var length: Int64?
        var malformedLength: String?
        headers.storage.withUnsafeBufferPointer { buffer in
            for field in headers.fields {
                let name = HTTPHeaders.bytes(buffer, field.nameStart, field.nameEnd)
                let value = HTTPHeaders.bytes(buffer, field.valueStart, field.valueEnd)
                switch name.count {
                case 10 where equalsIgnoringASCIICase(name, "connection"):
                    if listContains(value, "close") { closes = true }
                    if listContains(value, "keep-alive") { keepsAlive = true }
                case 14 where equalsIgnoringASCIICase(name, "content-length"):
                    lengthCount += 1
                    if lengthCount == 1 {
                        length = decimal(value)
                        if length == nil { malformedLength = String(decoding: value, as: UTF8.self) }
                    }
                case 17 where equalsIgnoringASCIICase(name, "transfer-encoding"):
                    transferEncodings.append(String(decoding: value, as: UTF8.self))
                default: break
                }
            }
        }
        var keepAlive = minor == 1 ? !closes : keepsAlive
        let hasTransferEncoding = !transferEncodings.isEmpty
        let transferCodings = hasTransferEncoding ? UpstreamText.listElements(transferEncodings) : []

        if hasTransferEncoding && lengthCount > 0 {
            throw UpstreamParseError.invalid("both Content-Length and Transfer-Encoding")
        }
        if lengthCount > 1 { throw UpstreamParseError.invalid("repeated Content-Length") }
        if let malformedLength { throw UpstreamParseError.invalid("malformed Content-Length '\(malformedLength)'") }
        if hasTransferEncoding && transferCodings != ["chunked"] {
            throw UpstreamParseError.invalid("unsupported Transfer-Encoding '\(transferEncodings.joined(separator: ", "))'")
        }
        if status == 101 { return (.untilClose, false) }
        if requestWasHead || status < 200 || status == 204 || status == 304 { return (.none, keepAlive) }
        if hasTransferEncoding { return (.chunked, keepAlive) }
        if let length { return (.contentLength(length), keepAlive) }
        keepAlive = false
        return (.untilClose, keepAlive)
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

    /// Whether the list-valued field value `value` has the element `token` (lowercase).
    private static func listContains(_ value: UnsafeBufferPointer<UInt8>, _ token: StaticString) -> Bool {
        UpstreamText.listContains(value, UnsafeBufferPointer(start: token.utf8Start, count: token.utf8CodeUnitCount))
    }

    /// field-vchar, SP, HTAB, obs-text.
    private static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte == 9 || (byte >= 32 && byte != 127)
    }

    private static func printable(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: bytes.prefix(80).map { $0 >= 32 && $0 < 127 ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
    }
}
