/// The request fields a file answer can depend on, read by name; `present` says which of them the
/// request has, so that a request without them (most have one or two) costs no lookup for the rest.
struct StaticFileRequestFields {
    struct Names: OptionSet {
        let rawValue: UInt8
        static let acceptEncoding = Names(rawValue: 1 << 0)
        static let ifMatch = Names(rawValue: 1 << 1)
        static let ifNoneMatch = Names(rawValue: 1 << 2)
        static let ifModifiedSince = Names(rawValue: 1 << 3)
        static let ifUnmodifiedSince = Names(rawValue: 1 << 4)
        static let range = Names(rawValue: 1 << 5)
        static let ifRange = Names(rawValue: 1 << 6)
        static let all = Names(rawValue: 0x7F)
    }

    let present: Names
    private let headers: HTTPHeaders?
    private let lookup: ((String) -> String?)?

    /// Fields read through `value` (by lowercase name, repeated fields joined with ", "), any of them possibly present.
    init(value: @escaping (String) -> String?) {
        present = .all
        headers = nil
        lookup = value
    }

    /// A request's fields, with one pass over their names to find which matter.
    init(_ headers: HTTPHeaders) {
        var present: Names = []
        headers.forEachName { name in
            switch name.count {
            case 5: if equalsIgnoringASCIICase(name, "range") { present.insert(.range) }
            case 8:
                if equalsIgnoringASCIICase(name, "if-match") { present.insert(.ifMatch) }
                if equalsIgnoringASCIICase(name, "if-range") { present.insert(.ifRange) }
            case 13: if equalsIgnoringASCIICase(name, "if-none-match") { present.insert(.ifNoneMatch) }
            case 15: if equalsIgnoringASCIICase(name, "accept-encoding") { present.insert(.acceptEncoding) }
            case 17: if equalsIgnoringASCIICase(name, "if-modified-since") { present.insert(.ifModifiedSince) }
            case 19: if equalsIgnoringASCIICase(name, "if-unmodified-since") { present.insert(.ifUnmodifiedSince) }
            default: break
            }
        }
        self.present = present
        self.headers = headers
        lookup = nil
    }

    /// The value of `name` (lowercase), if `field` is present.
    func callAsFunction(_ name: StaticString, _ field: Names) -> String? {
        guard present.contains(field) else { return nil }
        if let headers { return headers.combinedValue(lowercase: name) }
        return lookup?(name.description)
    }
}
