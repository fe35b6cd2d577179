import Postgres

/// Writes result cells straight into JSON bytes by field kind, in InvenTree's formats.
enum RowJSONWriter {
    static func write(_ cell: PostgresCell?, _ kind: FieldKind, to out: inout [UInt8]) {
        guard let cell else {
            out.append(contentsOf: nullBytes)
            return
        }
        let bytes = cell.bytes
        switch kind {
        case .integer, .related, .choice:
            out.append(contentsOf: bytes)
        case .boolean:
            out.append(contentsOf: bytes.first == UInt8(ascii: "t") ? trueBytes : falseBytes)
        case .float:
            writePythonFloat(bytes, to: &out)
        case .json:
            out.append(contentsOf: bytes)
        case .decimal, .string, .url, .date, .datetime:
            writeString(bytes, to: &out)
        case .nested:
            out.append(contentsOf: nullBytes)
        }
    }

    static let nullBytes: [UInt8] = Array("null".utf8)
    static let trueBytes: [UInt8] = Array("true".utf8)
    static let falseBytes: [UInt8] = Array("false".utf8)

    /// A JSON string from UTF-8 bytes: quotes, backslashes and control characters escaped.
    static func writeString(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var start = 0
        for index in 0..<bytes.count {
            let byte = bytes[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            if start < index { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index])) }
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            default:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            }
            start = index + 1
        }
        if start < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...])) }
        out.append(UInt8(ascii: "\""))
    }

    /// A decimal's text as Python writes the float (`12.50000` -> `12.5`, `3` -> `3.0`, tiny values as `1e-05`).
    static func writePythonFloat(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        if bytes.contains(UInt8(ascii: "e")) || bytes.contains(UInt8(ascii: "N")) || bytes.contains(UInt8(ascii: "I")) {
            let text = String(decoding: bytes, as: UTF8.self)
            if let value = Double(text), value.isFinite { out.append(contentsOf: String(value).utf8) } else { out.append(contentsOf: nullBytes) }
            return
        }
        guard let dot = bytes.firstIndex(of: UInt8(ascii: ".")) else {
            out.append(contentsOf: bytes)
            out.append(contentsOf: [UInt8(ascii: "."), UInt8(ascii: "0")])
            return
        }
        var end = bytes.count
        while end > dot + 2 && bytes[end - 1] == UInt8(ascii: "0") { end -= 1 }
        // Python switches to exponent notation below 1e-4.
        let integerPart = UnsafeBufferPointer(rebasing: bytes[..<dot])
        let isZeroInteger = integerPart.allSatisfy { $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: "-") }
        if isZeroInteger, end - dot > 4, bytes[(dot + 1)..<(dot + 5)].allSatisfy({ $0 == UInt8(ascii: "0") }),
           bytes[(dot + 1)..<end].contains(where: { $0 != UInt8(ascii: "0") }),
           let value = Double(String(decoding: bytes, as: UTF8.self)) {
            out.append(contentsOf: String(value).utf8)
            return
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[..<end]))
    }
}
