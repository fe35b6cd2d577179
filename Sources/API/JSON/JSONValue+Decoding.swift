import FoundationEssentials

extension JSONValue: Decodable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            let object = try container.decode([String: JSONValue].self)
            // Decoding loses member order; sorted keys keep answers stable.
            self = .object(object.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        }
    }

    /// A boolean given as JSON, as a number (non-zero is true) or as text read by `text` (DRF's BooleanWidget and
    /// InvenTree's `str2bool` accept different spellings); nil for anything else.
    public func boolean(text: (String) -> Bool?) -> Bool? {
        switch self {
        case .bool(let value): return value
        case .string(let string): return text(string)
        case .int(let number): return number != 0
        default: return nil
        }
    }

    /// Parses JSON text; throws DecodingError with the position of the problem.
    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    /// The member `key` of an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    /// The text of a string value.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}
