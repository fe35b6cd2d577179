/// A content coding that the responder can serve from a precompressed sibling file.
public enum ContentCoding: String, CaseIterable, Sendable {
    case br
    case gzip

    /// The sibling's file name suffix (`.br`, `.gz`).
    public var fileSuffix: String { self == .br ? ".br" : ".gz" }
}

/// `Accept-Encoding` negotiation (RFC 9110 section 12.5.3).
public enum AcceptEncoding {
    /// The best of `available` that `header` accepts with q > 0, or nil for identity. Higher q wins;
    /// on a tie the earlier entry of `available` wins. `*` covers codings not listed by name.
    public static func preferred(_ header: String?, available: [ContentCoding]) -> ContentCoding? {
        guard let header, !available.isEmpty else { return nil }
        var weights: [String: Double] = [:]
        var wildcard: Double?
        for element in header.split(separator: ",") {
            let parts = element.split(separator: ";")
            guard let first = parts.first else { continue }
            let name = trimmedOWS(first).lowercased()
            guard !name.isEmpty else { continue }
            var q = 1.0
            for parameter in parts.dropFirst() {
                let pair = trimmedOWS(parameter)
                guard pair.lowercased().hasPrefix("q=") else { continue }
                guard let value = qValue(pair.dropFirst(2)) else { q = 0; break }
                q = value
            }
            let canonical = name == "x-gzip" ? "gzip" : name
            if canonical == "*" { wildcard = q } else { weights[canonical] = q }
        }
        var best: (coding: ContentCoding, q: Double)?
        for coding in available {
            let q = weights[coding.rawValue] ?? wildcard ?? 0
            if q > 0, q > (best?.q ?? 0) { best = (coding, q) }
        }
        return best?.coding
    }

    /// A qvalue: 0, 1, or 0.ddd / 1.000 (RFC 9110 section 12.4.2); nil if malformed.
    private static func qValue(_ text: Substring) -> Double? {
        guard let value = Double(text), value >= 0, value <= 1, text.count <= 5,
              text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) else { return nil }
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
