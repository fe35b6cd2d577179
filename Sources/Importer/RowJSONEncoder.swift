import Foundation

/// Writes rows as a JSON array for jsonb_populate_recordset. Foundation's JSONSerialization took
/// four times as long as PostgreSQL did with the result, so the values an import holds (strings,
/// numbers, booleans, null, and nested objects and lists from `metadata`) are written directly.
struct RowJSONEncoder {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private(set) var bytes: [UInt8] = []

    /// The rows as one JSON array of objects.
    static func encode(_ rows: ArraySlice<PlannedRow>) throws -> String {
        var encoder = RowJSONEncoder()
        encoder.bytes.reserveCapacity(rows.count * 256)
        encoder.bytes.append(UInt8(ascii: "["))
        for (index, row) in rows.enumerated() {
            if index > 0 { encoder.bytes.append(UInt8(ascii: ",")) }
            try encoder.write(row.values)
        }
        encoder.bytes.append(UInt8(ascii: "]"))
        return String(decoding: encoder.bytes, as: UTF8.self)
    }

    mutating func write(_ value: Any) throws {
        // Swift's own values first: a Bool or Int cast through NSNumber would be ambiguous
        if type(of: value) == Bool.self, let flag = value as? Bool {
            append(flag ? "true" : "false")
            return
        }
        if type(of: value) == Int.self, let integer = value as? Int {
            append(String(integer))
            return
        }
        switch value {
        case let text as String:
            writeString(text)
        case is NSNull:
            append("null")
        case let number as NSNumber:
            try writeNumber(number)
        case let object as [String: Any]:
            bytes.append(UInt8(ascii: "{"))
            for (index, (key, member)) in object.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                writeString(key)
                bytes.append(UInt8(ascii: ":"))
                try write(member)
            }
            bytes.append(UInt8(ascii: "}"))
        case let list as [Any]:
            bytes.append(UInt8(ascii: "["))
            for (index, member) in list.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                try write(member)
            }
            bytes.append(UInt8(ascii: "]"))
        default:
            throw Failure(description: "a value of type \(type(of: value)) cannot be written as JSON")
        }
    }

    /// NSNumber from JSONSerialization: booleans have the type code "c", floating point "d" or "f".
    private mutating func writeNumber(_ number: NSNumber) throws {
        switch UInt8(bitPattern: number.objCType.pointee) {
        case UInt8(ascii: "c"), UInt8(ascii: "B"):
            append(number.boolValue ? "true" : "false")
        case UInt8(ascii: "d"), UInt8(ascii: "f"):
            let double = number.doubleValue
            guard double.isFinite else { throw Failure(description: "the number \(double) cannot be stored") }
            append(double == double.rounded() && abs(double) < 1e15 ? String(Int64(double)) : "\(double)")
        case UInt8(ascii: "Q"):
            append(String(number.uint64Value))
        default:
            append(String(number.int64Value))
        }
    }

    private mutating func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case UInt8(ascii: "\n"): append("\\n")
            case UInt8(ascii: "\r"): append("\\r")
            case UInt8(ascii: "\t"): append("\\t")
            case 0..<0x20:
                let hex = String(byte, radix: 16)
                append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }
}
