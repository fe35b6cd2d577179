import FoundationEssentials
import Glibc

/// A Swift type a column value can be decoded into.
public protocol PostgresDecodable {
    /// The value of `cell`, or nil when the cell's text is not a valid value of this type.
    static func decode(_ cell: PostgresCell) -> Self?
}

extension PostgresCell {
    /// Parses the text as a decimal integer within `range`.
    func integer(in range: ClosedRange<Int64>) -> Int64? {
        let bytes = self.bytes
        guard !bytes.isEmpty else { return nil }
        var index = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") { negative = true; index = 1 } else if bytes[0] == UInt8(ascii: "+") { index = 1 }
        guard index < bytes.count else { return nil }
        var value: Int64 = 0
        while index < bytes.count {
            let digit = bytes[index] &- 48
            guard digit <= 9 else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = negative
                ? times10.subtractingReportingOverflow(Int64(digit)) : times10.addingReportingOverflow(Int64(digit))
            guard !overflow1, !overflow2 else { return nil }
            value = next
            index += 1
        }
        return range.contains(value) ? value : nil
    }
}

extension Int: PostgresDecodable {
    public static func decode(_ cell: PostgresCell) -> Int? {
        cell.integer(in: Int64(Int.min)...Int64(Int.max)).map { Int($0) }
    }
}

extension Int64: PostgresDecodable {
    public static func decode(_ cell: PostgresCell) -> Int64? { cell.integer(in: Int64.min...Int64.max) }
}

extension Int32: PostgresDecodable {
    public static func decode(_ cell: PostgresCell) -> Int32? {
        cell.integer(in: Int64(Int32.min)...Int64(Int32.max)).map { Int32($0) }
    }
}

extension Double: PostgresDecodable {
    public static func decode(_ cell: PostgresCell) -> Double? {
        guard cell.length > 0 else { return nil }
        var end: UnsafeMutablePointer<CChar>?
        let value = strtod(cell.pointer, &end)
        guard let end, UnsafePointer(end) == cell.pointer + cell.length else { return nil }
        return value
    }
}

extension Bool: PostgresDecodable {
    public static func decode(_ cell: PostgresCell) -> Bool? {
        let bytes = cell.bytes
        if bytes.count == 1 {
            if bytes[0] == UInt8(ascii: "t") { return true }
            if bytes[0] == UInt8(ascii: "f") { return false }
            return nil
        }
        switch cell.text {
        case "true": return true
        case "false": return false
        default: return nil
        }
    }
}

/// Any column decodes as its text: numeric (exact, as written by the server), uuid, json, timestamps, ...
extension String: PostgresDecodable {
    public static func decode(_ cell: PostgresCell) -> String? { cell.text }
}

extension Date: PostgresDecodable {
    /// Decodes timestamptz, timestamp (taken as UTC) and date (midnight UTC).
    public static func decode(_ cell: PostgresCell) -> Date? { PostgresTimestamp.parse(cell.bytes) }
}

extension UUID: PostgresDecodable {
    public static func decode(_ cell: PostgresCell) -> UUID? { UUID(uuidString: cell.text) }
}

extension PostgresJSON: PostgresDecodable {
    public static func decode(_ cell: PostgresCell) -> PostgresJSON? { PostgresJSON(cell.text) }
}

extension Array: PostgresDecodable where Element == UInt8 {
    /// Decodes bytea in its hex text form ("\x0a1b...").
    public static func decode(_ cell: PostgresCell) -> [UInt8]? {
        let bytes = cell.bytes
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x"), bytes.count % 2 == 0 else {
            return nil
        }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        let count = (bytes.count - 2) / 2
        var valid = true
        let decoded = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var source = 2
            for index in 0..<count {
                guard let high = nibble(bytes[source]), let low = nibble(bytes[source + 1]) else {
                    valid = false
                    break
                }
                buffer[index] = high << 4 | low
                source += 2
            }
            initialized = valid ? count : 0
        }
        return valid ? decoded : nil
    }
}
