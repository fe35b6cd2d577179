import HTTP

/// DRF's validation failure: `{"field": ["message", ...], "non_field_errors": [...]}` with status 400.
public struct ValidationErrors: Error, CustomStringConvertible {
    public private(set) var fields: [(String, [String])] = []

    public init() {}

    public init(_ field: String, _ message: String) { add(field, message) }

    /// Adds `message` to `field` ("non_field_errors" for the object as a whole).
    public mutating func add(_ field: String, _ message: String) {
        if let index = fields.firstIndex(where: { $0.0 == field }) {
            fields[index].1.append(message)
        } else {
            fields.append((field, [message]))
        }
    }

    public var isEmpty: Bool { fields.isEmpty }

    public func contains(_ field: String) -> Bool { fields.contains { $0.0 == field } }

    public var description: String { fields.map { "\($0.0): \($0.1.joined(separator: "; "))" }.joined(separator: ", ") }

    /// The 400 answer.
    public var response: HTTPResponse {
        JSONResponse.make(status: 400, .object(fields.map { ($0.0, .array($0.1.map(JSONValue.string))) }))
    }

    /// DRF's messages.
    public enum Message {
        public static let required = "This field is required."
        public static let null = "This field may not be null."
        public static let blank = "This field may not be blank."
        public static let integer = "A valid integer is required."
        public static let number = "A valid number is required."
        public static let boolean = "Must be a valid boolean."
        public static let string = "Not a valid string."
        public static let date = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
        public static let datetime = "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
        /// django-filter's answer for a related-object filter naming a missing object.
        public static let invalidChoice = "Select a valid choice. That choice is not one of the available choices."
        /// django-filter's NumberFilter on text that is no number.
        public static let enterNumber = "Enter a number."
        public static func maxLength(_ limit: Int) -> String { "Ensure this field has no more than \(limit) characters." }
        public static func missingObject(_ pk: String) -> String { "Invalid pk \"\(pk)\" - object does not exist." }
        public static func pkType(_ type: String) -> String { "Incorrect type. Expected pk value, received \(type)." }
        public static func notAChoice(_ value: String) -> String { "\"\(value)\" is not a valid choice." }
    }
}
