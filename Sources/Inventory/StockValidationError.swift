/// A refused stock operation, shaped like a DRF validation error: messages per field, and
/// `non_field_errors` for what concerns the request as a whole. Nothing was written.
public struct StockValidationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Messages by field name (`quantity`, `location`, `serial_numbers`, ...).
    public var fields: [String: [String]]
    /// Messages that name no field (DRF's `non_field_errors`).
    public var nonField: [String]

    public init(fields: [String: [String]] = [:], nonField: [String] = []) {
        self.fields = fields
        self.nonField = nonField
    }

    /// One message for one field.
    public init(_ field: String, _ message: String) {
        self.init(fields: [field: [message]])
    }

    /// One message for the request as a whole.
    public init(nonField message: String) {
        self.init(nonField: [message])
    }

    public var description: String {
        var parts = fields.keys.sorted().map { "\($0): \(fields[$0]!.joined(separator: "; "))" }
        if !nonField.isEmpty { parts.append("non_field_errors: " + nonField.joined(separator: "; ")) }
        return parts.joined(separator: ", ")
    }
}
