/// A PostgreSQL array literal (`{1,"a b",NULL}`) built element by element, for passing a list as one
/// parameter (`= ANY($1::int[])`, `unnest($1::text[], ...)`); text elements are double-quoted and escaped.
public struct PostgresArrayLiteral {
    private var text = "{"
    /// How many elements were appended.
    public private(set) var count = 0

    public init() {}

    /// The literal of `values`, nil as NULL.
    public init(_ values: [String?]) {
        for value in values { append(value) }
    }

    public mutating func append(_ value: Int?) {
        separate()
        text += value.map(String.init) ?? "NULL"
    }

    public mutating func append(_ value: String?) {
        separate()
        guard let value else {
            text += "NULL"
            return
        }
        text += "\""
        for character in value {
            if character == "\"" || character == "\\" { text += "\\" }
            text.append(character)
        }
        text += "\""
    }

    public mutating func append(_ value: Bool) {
        separate()
        text += value ? "t" : "f"
    }

    private mutating func separate() {
        if count > 0 { text += "," }
        count += 1
    }

    /// The literal, braces included.
    public var literal: String { text + "}" }
}
