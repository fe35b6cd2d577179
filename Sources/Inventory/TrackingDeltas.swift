/// The `deltas` of a tracking entry: an ordered JSON object written as InvenTree's Python writes it
/// (quantities as floats, `10.0`).
public struct TrackingDeltas: Equatable, Sendable {
    /// A JSON value a delta may hold.
    public enum Value: Equatable, Sendable {
        case integer(Int)
        case float(Double)
        case string(String)
        case null
    }

    public private(set) var entries: [(key: String, value: Value)] = []

    public init() {}

    /// Sets `key` (replacing an earlier value in place, as a Python dict does).
    public mutating func set(_ key: String, _ value: Value) {
        if let index = entries.firstIndex(where: { $0.key == key }) {
            entries[index].value = value
        } else {
            entries.append((key, value))
        }
    }

    public subscript(key: String) -> Value? { entries.first { $0.key == key }?.value }

    /// The JSON text.
    public var json: String {
        var text = "{"
        for (index, entry) in entries.enumerated() {
            if index > 0 { text += ", " }
            text += Self.quote(entry.key) + ": "
            switch entry.value {
            case .integer(let number): text += String(number)
            case .float(let number): text += number.isFinite ? "\(number)" : "null"
            case .string(let string): text += Self.quote(string)
            case .null: text += "null"
            }
        }
        return text + "}"
    }

    public static func == (lhs: TrackingDeltas, rhs: TrackingDeltas) -> Bool {
        lhs.entries.count == rhs.entries.count && zip(lhs.entries, rhs.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    static func quote(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
