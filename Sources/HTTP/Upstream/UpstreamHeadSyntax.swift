/// Parses a complete response head (status line, fields, blank line; CRLF already verified) and
/// decides the body's framing.
enum UpstreamHeadSyntax {
    static func parse(_ bytes: [UInt8], requestWasHead: Bool, maxHeaderCount: Int) throws
        -> (head: UpstreamResponseHead, keepAlive: Bool) {
        var lines: [ArraySlice<UInt8>] = []
        var lineStart = 0
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == 13 {
                lines.append(bytes[lineStart..<index])
                index += 2
                lineStart = index
            } else {
                index += 1
            }
        }
        // The last element is the empty line that ends the head.
        guard let statusLine = lines.first, lines.last?.isEmpty == true else { throw UpstreamParseError.invalid("empty head") }
        let (minor, status, reason) = try parseStatusLine(statusLine)
        let fieldLines = lines.dropFirst().dropLast()
        guard fieldLines.count <= maxHeaderCount else {
            throw UpstreamParseError.tooLarge("more than \(maxHeaderCount) header fields")
        }
        let headers = try fieldLines.map(parseField)
        let (framing, keepAlive) = try framing(headers, status: status, minor: minor, requestWasHead: requestWasHead)
        return (UpstreamResponseHead(minorVersion: minor, status: status, reason: reason, headers: headers, framing: framing),
                keepAlive)
    }

    /// `HTTP/1.x SSS reason`; the space before an empty reason may be missing.
    private static func parseStatusLine(_ line: ArraySlice<UInt8>) throws -> (Int, Int, String) {
        let bytes = Array(line)
        guard bytes.count >= 12, bytes.starts(with: Array("HTTP/1.".utf8)), bytes[8] == 32 else {
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
            let text = bytes[13...]
            guard text.allSatisfy(isFieldValueByte) else { throw UpstreamParseError.invalid("control character in reason phrase") }
            reason = String(decoding: text, as: UTF8.self)
        }
        return (Int(bytes[7] - UInt8(ascii: "0")), status, reason)
    }

    private static func parseField(_ line: ArraySlice<UInt8>) throws -> (String, String) {
        guard let first = line.first else { throw UpstreamParseError.invalid("empty header line") }
        if first == 32 || first == 9 { throw UpstreamParseError.invalid("obsolete line folding") }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            throw UpstreamParseError.invalid("header line without a colon: '\(printable(Array(line)))'")
        }
        let name = line[line.startIndex..<colon]
        guard !name.isEmpty, name.allSatisfy(UpstreamText.isTokenByte) else {
            throw UpstreamParseError.invalid("invalid header name '\(printable(Array(name)))'")
        }
        var value = line[(colon + 1)...]
        while let byte = value.first, byte == 32 || byte == 9 { value.removeFirst() }
        while let byte = value.last, byte == 32 || byte == 9 { value.removeLast() }
        let nameText = String(decoding: name, as: UTF8.self)
        guard value.allSatisfy(isFieldValueByte) else {
            throw UpstreamParseError.invalid("invalid character in the value of \(nameText)")
        }
        return (nameText, String(decoding: value, as: UTF8.self))
    }

    private static func framing(_ headers: [(String, String)], status: Int, minor: Int,
                                requestWasHead: Bool) throws -> (UpstreamBodyFraming, Bool) {
        func values(_ name: String) -> [String] { headers.filter { UpstreamText.sameFieldName($0.0, name) }.map(\.1) }
        let connection = UpstreamText.listElements(values("connection"))
        var keepAlive = minor == 1 ? !connection.contains("close") : connection.contains("keep-alive")
        let transferCodings = UpstreamText.listElements(values("transfer-encoding"))
        let lengths = values("content-length")
        let hasTransferEncoding = !values("transfer-encoding").isEmpty

        if hasTransferEncoding && !lengths.isEmpty {
            throw UpstreamParseError.invalid("both Content-Length and Transfer-Encoding")
        }
        if lengths.count > 1 { throw UpstreamParseError.invalid("repeated Content-Length") }
        var length: Int64?
        if let text = lengths.first {
            guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let parsed = Int64(text) else {
                throw UpstreamParseError.invalid("malformed Content-Length '\(text)'")
            }
            length = parsed
        }
        if hasTransferEncoding && transferCodings != ["chunked"] {
            throw UpstreamParseError.invalid("unsupported Transfer-Encoding '\(values("transfer-encoding").joined(separator: ", "))'")
        }
        if status == 101 { return (.untilClose, false) }
        if requestWasHead || status < 200 || status == 204 || status == 304 { return (.none, keepAlive) }
        if hasTransferEncoding { return (.chunked, keepAlive) }
        if let length { return (.contentLength(length), keepAlive) }
        keepAlive = false
        return (.untilClose, keepAlive)
    }

    /// field-vchar, SP, HTAB, obs-text.
    private static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte == 9 || (byte >= 32 && byte != 127)
    }

    private static func printable(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix(80).map { $0 >= 32 && $0 < 127 ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
    }
}
