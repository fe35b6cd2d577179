/// What a `Range` header asks of a representation of a given size.
public enum RangeDecision: Equatable, Sendable {
    /// Send the whole representation (no range, a malformed one, or several ranges).
    case whole
    /// Send `length` bytes from `offset` as a 206.
    case partial(offset: Int64, length: Int64)
    /// No byte of the range exists: 416 with `Content-Range: bytes */size`.
    case unsatisfiable
}

/// `Range: bytes=...` (RFC 9110 section 14).
///
/// A single range is served as 206. A request for several ranges is answered with the whole file
/// as 200, which RFC 9110 allows ("a server MAY ignore the Range header field"): multipart/byteranges
/// would cost a copy per part and is rarely asked for, and never by browsers for static assets.
/// A malformed header or another unit is likewise ignored.
public enum ByteRange {
    /// Evaluates the `Range` value against a representation of `size` bytes.
    public static func evaluate(_ header: String, size: Int64) -> RangeDecision {
        guard let equals = header.firstIndex(of: "="),
              header[..<equals].lowercased() == "bytes" else { return .whole }
        let specs = header[header.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false)
            .map { String(trimmedOWS($0)) }
        let nonEmpty = specs.filter { !$0.isEmpty }
        guard nonEmpty.count == 1, let spec = nonEmpty.first, let dash = spec.firstIndex(of: "-") else { return .whole }
        let first = spec[..<dash]
        let last = spec[spec.index(after: dash)...]
        if first.isEmpty {
            guard let suffix = number(last) else { return .whole }
            if suffix == 0 || size == 0 { return .unsatisfiable }
            let length = min(suffix, size)
            return .partial(offset: size - length, length: length)
        }
        guard let start = number(first) else { return .whole }
        var end = Int64.max
        if !last.isEmpty {
            guard let parsed = number(last) else { return .whole }
            if parsed < start { return .whole }
            end = parsed
        }
        if start >= size { return .unsatisfiable }
        let lastByte = min(end, size - 1)
        return .partial(offset: start, length: lastByte - start + 1)
    }

    /// `bytes a-b/size` for a partial response.
    public static func contentRange(offset: Int64, length: Int64, size: Int64) -> String {
        "bytes \(offset)-\(offset + length - 1)/\(size)"
    }

    /// Digits only; saturates at Int64.max rather than failing on huge values.
    private static func number(_ text: Substring) -> Int64? {
        guard !text.isEmpty else { return nil }
        var value: Int64 = 0
        for byte in text.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            value = overflow1 || overflow2 ? Int64.max : sum
        }
        return value
    }
}

/// `text` without leading and trailing spaces and tabs (HTTP's OWS).
fileprivate func trimmedOWS(_ text: Substring) -> Substring {
    var result = text
    while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
    while let last = result.last, last == " " || last == "\t" { result.removeLast() }
    return result
}
