import Glibc

/// Turns the raw, percent-encoded request path into a path relative to a static root, refusing
/// everything that could name a file outside it or be read two ways.
public enum StaticPathDecoder {
    /// The decoded path under `prefix` (no leading slash; a trailing slash marks a directory request).
    /// `rawPath` is the request target as received; a query or fragment is ignored.
    public static func relativePath(rawPath: String, prefix: String) -> Result<String, StaticFileRefusal> {
        var raw = rawPath
        var prefixText = prefix
        return raw.withUTF8 { rawBytes in
            prefixText.withUTF8 { prefixBytes in decode(rawBytes, prefix: prefixBytes) }
        }
    }

    private static func decode(_ raw: UnsafeBufferPointer<UInt8>, prefix: UnsafeBufferPointer<UInt8>)
        -> Result<String, StaticFileRefusal> {
        let end = raw.firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? raw.count
        guard end >= prefix.count, memcmp(raw.baseAddress!, prefix.baseAddress!, prefix.count) == 0 else {
            return .failure(.notFound)
        }
        let encoded = UnsafeBufferPointer(rebasing: raw[prefix.count..<end])
        if !encoded.contains(UInt8(ascii: "%")) {
            // The common case: nothing to decode, so check the bytes where they are.
            if let refusal = check(encoded) { return .failure(refusal) }
            return .success(String(decoding: encoded, as: UTF8.self))
        }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(encoded.count)
        var index = 0
        while index < encoded.count {
            let byte = encoded[index]
            guard byte == UInt8(ascii: "%") else {
                decoded.append(byte)
                index += 1
                continue
            }
            guard index + 2 < encoded.count, let high = hexValue(encoded[index + 1]), let low = hexValue(encoded[index + 2]) else {
                return .failure(.badPath("invalid percent-encoding at byte \(prefix.count + index) of the path"))
            }
            switch high << 4 | low {
            case UInt8(ascii: "/"): return .failure(.badPath("encoded slash (%2F) in the path"))
            case UInt8(ascii: "\\"): return .failure(.badPath("encoded backslash (%5C) in the path"))
            case 0: return .failure(.badPath("encoded NUL (%00) in the path"))
            case let value: decoded.append(value)
            }
            index += 3
        }
        return decoded.withUnsafeBufferPointer { bytes in
            if let refusal = check(bytes) { return .failure(refusal) }
            guard let path = String(validating: bytes, as: UTF8.self) else {
                return .failure(.badPath("the decoded path is not valid UTF-8"))
            }
            return .success(path)
        }
    }

    /// Checks decoded bytes: no NUL, backslash or control character, no empty, `.` or `..`
    /// segment, no dot file.
    private static func check(_ path: UnsafeBufferPointer<UInt8>) -> StaticFileRefusal? {
        var segmentStart = 0
        for index in 0...path.count {
            let byte: UInt8 = index < path.count ? path[index] : UInt8(ascii: "/")
            switch byte {
            case 0: return .badPath("NUL byte in the path")
            case UInt8(ascii: "\\"): return .badPath("backslash in the path")
            case 1..<0x20, 0x7F: return .badPath("control character \(byte) in the path")
            case UInt8(ascii: "/"):
                let length = index - segmentStart
                let isLast = index == path.count
                if length == 0 && !isLast { return .badPath("empty segment (//) in the path") }
                if length > 0 && path[segmentStart] == UInt8(ascii: ".") {
                    if length == 1 { return .badPath("dot segment '.' in the path") }
                    if length == 2 && path[segmentStart + 1] == UInt8(ascii: ".") { return .badPath("dot segment '..' in the path") }
                    return .forbidden
                }
                segmentStart = index + 1
            default: break
            }
        }
        return nil
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
