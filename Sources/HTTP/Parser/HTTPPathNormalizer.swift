/// Turns the raw path of a request-target into a clean absolute path, or says why it cannot.
public enum HTTPPathNormalizer {
    /// Decodes percent-encoding, merges repeated slashes, resolves `.` and `..`, and keeps a trailing slash.
    /// Refuses `%2F`, `%00`, malformed escapes, invalid UTF-8, and any `..` that would leave the root.
    public static func normalize(_ rawPath: Substring) -> Result<String, HTTPParseError> {
        if isAlreadyNormal(rawPath) { return .success(String(rawPath)) }
        return decodeAndResolve(rawPath)
    }

    /// The general case of `normalize`: percent-decoding, then segment by segment.
    static func decodeAndResolve(_ rawPath: Substring) -> Result<String, HTTPParseError> {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(rawPath.utf8.count)
        var segments: [Range<Int>] = []  // ranges in `output`
        var output: [UInt8] = [0x2F]
        output.reserveCapacity(rawPath.utf8.count + 1)

        // First pass: percent-decoding.
        let utf8 = Array(rawPath.utf8)
        guard utf8.first == 0x2F else { return .failure(HTTPParseError(.pathEscapesRoot, at: 0)) }
        var i = 0
        while i < utf8.count {
            let b = utf8[i]
            if b == 0x25 {
                guard i + 2 < utf8.count, let high = hexValue(utf8[i + 1]), let low = hexValue(utf8[i + 2]) else {
                    return .failure(HTTPParseError(.invalidPercentEncoding, at: i))
                }
                let value = UInt8(high * 16 + low)
                if value == 0x2F { return .failure(HTTPParseError(.encodedSlash, at: i)) }
                if value == 0 { return .failure(HTTPParseError(.encodedNUL, at: i)) }
                decoded.append(value)
                i += 3
            } else {
                if b == 0 { return .failure(HTTPParseError(.encodedNUL, at: i)) }
                decoded.append(b)
                i += 1
            }
        }

        // Second pass: segments.
        let endsWithSlash = decoded.last == 0x2F
        var start = 0
        var index = 0
        while index <= decoded.count {
            if index == decoded.count || decoded[index] == 0x2F {
                let length = index - start
                if length == 0 || (length == 1 && decoded[start] == 0x2E) {
                    // empty or "." segment: dropped
                } else if length == 2 && decoded[start] == 0x2E && decoded[start + 1] == 0x2E {
                    guard let last = segments.popLast() else {
                        return .failure(HTTPParseError(.pathEscapesRoot, at: start))
                    }
                    output.removeSubrange(last.lowerBound...)
                    if output.count > 1 { output.removeLast() }
                } else {
                    if output.count > 1 { output.append(0x2F) }
                    let segmentStart = output.count
                    output.append(contentsOf: decoded[start..<index])
                    segments.append(segmentStart..<output.count)
                }
                start = index + 1
            }
            index += 1
        }
        if output.isEmpty { output = [0x2F] }
        if endsWithSlash || (decoded.count >= 2 && isDotSegmentEnding(decoded)), output.last != 0x2F {
            output.append(0x2F)
        }
        guard let path = String(validating: output, as: UTF8.self) else {
            return .failure(HTTPParseError(.invalidPathEncoding, at: 0))
        }
        return .success(path)
    }

    /// Whether `rawPath` starts with `/` and has no `%`, NUL, `//` or dot segment: it is its own normal form.
    static func isAlreadyNormal(_ rawPath: Substring) -> Bool {
        rawPath.utf8.withContiguousStorageIfAvailable(isAlreadyNormal)
            ?? Array(rawPath.utf8).withUnsafeBufferPointer(isAlreadyNormal)
    }

    private static func isAlreadyNormal(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var previous: UInt8 = 0
        var dotsOnly = false  // the current segment so far is made of dots only
        var first = true
        for b in bytes {
            if first {
                guard b == 0x2F else { return false }
                first = false
                previous = b
                continue
            }
            switch b {
            case 0x25, 0:
                return false
            case 0x2F:
                if previous == 0x2F || dotsOnly { return false }
            case 0x2E:
                if previous == 0x2F { dotsOnly = true }
            default:
                dotsOnly = false
            }
            previous = b
        }
        return !first && !dotsOnly
    }

    /// A path ending in `/.` or `/..` names a directory, as if it ended with a slash.
    static func isDotSegmentEnding(_ bytes: [UInt8]) -> Bool {
        let n = bytes.count
        if bytes[n - 1] != 0x2E { return false }
        if bytes[n - 2] == 0x2F { return true }
        return n >= 3 && bytes[n - 2] == 0x2E && bytes[n - 3] == 0x2F
    }
}
