/// Turns the raw, percent-encoded request path into a path relative to a static root, refusing
/// everything that could name a file outside it or be read two ways.
public enum StaticPathDecoder {
    /// The decoded path under `prefix` (no leading slash; a trailing slash marks a directory request).
    /// `rawPath` is the request target as received; a query or fragment is ignored.
    public static func relativePath(rawPath: String, prefix: String) -> Result<String, StaticFileRefusal> {
        var raw = Array(rawPath.utf8)
        if let end = raw.firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) {
            raw.removeSubrange(end...)
        }
        let prefixBytes = Array(prefix.utf8)
        guard raw.count >= prefixBytes.count, Array(raw[0..<prefixBytes.count]) == prefixBytes else {
            return .failure(.notFound)
        }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(raw.count - prefixBytes.count)
        var index = prefixBytes.count
        while index < raw.count {
            let byte = raw[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < raw.count, let high = hexValue(raw[index + 1]), let low = hexValue(raw[index + 2]) else {
                    return .failure(.badPath("invalid percent-encoding at byte \(index) of the path"))
                }
                let value = high << 4 | low
                switch value {
                case UInt8(ascii: "/"): return .failure(.badPath("encoded slash (%2F) in the path"))
                case UInt8(ascii: "\\"): return .failure(.badPath("encoded backslash (%5C) in the path"))
                case 0: return .failure(.badPath("encoded NUL (%00) in the path"))
                default: break
                }
                if let problem = forbiddenByte(value) { return .failure(.badPath(problem)) }
                decoded.append(value)
                index += 3
            } else {
                if let problem = forbiddenByte(byte) { return .failure(.badPath(problem)) }
                decoded.append(byte)
                index += 1
            }
        }
        guard let path = String(validating: decoded, as: UTF8.self) else {
            return .failure(.badPath("the decoded path is not valid UTF-8"))
        }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        for (position, segment) in segments.enumerated() {
            if segment == "." || segment == ".." {
                return .failure(.badPath("dot segment '\(segment)' in the path"))
            }
            if segment.isEmpty && position != segments.count - 1 {
                return .failure(.badPath("empty segment (//) in the path"))
            }
            if segment.hasPrefix(".") { return .failure(.forbidden) }
        }
        return .success(path)
    }

    private static func forbiddenByte(_ byte: UInt8) -> String? {
        switch byte {
        case 0: return "NUL byte in the path"
        case UInt8(ascii: "\\"): return "backslash in the path"
        case 1..<0x20, 0x7F: return "control character \(byte) in the path"
        default: return nil
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
