/// Header fields in order, stored as byte ranges into one buffer; names compare case-insensitively.
public struct HTTPHeaders: Sequence, CustomStringConvertible, Sendable {
    @usableFromInline
    struct Field: Sendable {
        @usableFromInline var nameStart: Int32
        @usableFromInline var nameEnd: Int32
        @usableFromInline var valueStart: Int32
        @usableFromInline var valueEnd: Int32
        @inlinable init(nameStart: Int32, nameEnd: Int32, valueStart: Int32, valueEnd: Int32) {
            self.nameStart = nameStart
            self.nameEnd = nameEnd
            self.valueStart = valueStart
            self.valueEnd = valueEnd
        }
    }

    @usableFromInline var storage: [UInt8]
    @usableFromInline var fields: [Field]
    /// The wire form of headers sent many times (see `HTTPResponseHead.prepare`); `add` and `remove` drop it.
    var prepared: PreparedHeaderFields?

    /// An empty set of headers.
    public init() {
        storage = []
        fields = []
    }

    @usableFromInline
    init(storage: [UInt8], fields: [Field]) {
        self.storage = storage
        self.fields = fields
    }

    /// Headers from name/value pairs.
    public init(_ pairs: [(String, String)]) {
        self.init()
        for (name, value) in pairs { add(name: name, value: value) }
    }

    /// How many fields there are.
    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    /// Appends a field. Bytes that would break the message framing (CR, LF, NUL) become spaces.
    public mutating func add(name: String, value: String) {
        prepared = nil
        if storage.isEmpty {
            storage.reserveCapacity(128)
            fields.reserveCapacity(4)
        }
        let nameStart = Int32(storage.count)
        var name = name
        name.withUTF8 { bytes in
            if bytes.allSatisfy(isTokenCharacter) {
                storage.append(contentsOf: bytes)
            } else {
                for b in bytes { storage.append(isTokenCharacter(b) ? b : 0x2D) }
            }
        }
        let nameEnd = Int32(storage.count)
        var value = value
        value.withUTF8 { bytes in
            if !bytes.contains(where: { $0 == asciiCR || $0 == asciiLF || $0 == 0 }) {
                storage.append(contentsOf: bytes)
            } else {
                for b in bytes { storage.append(b == asciiCR || b == asciiLF || b == 0 ? asciiSpace : b) }
            }
        }
        fields.append(Field(nameStart: nameStart, nameEnd: nameEnd, valueStart: nameEnd, valueEnd: Int32(storage.count)))
    }

    /// Replaces every field called `name` by one with `value`.
    public mutating func replaceOrAdd(name: String, value: String) {
        remove(name: name)
        add(name: name, value: value)
    }

    /// Removes every field called `name`.
    public mutating func remove(name: String) {
        prepared = nil
        let kept = fields.filter { !nameMatches($0, name) }
        fields = kept
    }

    /// The first value of the field called `name`.
    public subscript(name: String) -> String? {
        for field in fields where nameMatches(field, name) { return value(of: field) }
        return nil
    }

    /// Every value of fields called `name`, in order.
    public func values(_ name: String) -> [String] {
        fields.filter { nameMatches($0, name) }.map { value(of: $0) }
    }

    /// Whether a field called `name` is present.
    public func contains(_ name: String) -> Bool {
        fields.contains { nameMatches($0, name) }
    }

    /// Whether some field called `name` has, in its comma-separated list, the token `token` (case-insensitive).
    public func containsToken(_ token: String, in name: String) -> Bool {
        let wanted = token.lowercased()
        for value in values(name) {
            for element in value.split(separator: ",") {
                if element.trimmingSpaces().lowercased() == wanted { return true }
            }
        }
        return false
    }

    /// Calls `body` with the raw bytes of the first value of `name`, without copying them.
    public func withValueBytes<R>(_ name: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
        for field in fields where nameMatches(field, name) {
            return try storage.withUnsafeBufferPointer { buffer in
                try body(UnsafeBufferPointer(rebasing: buffer[Int(field.valueStart)..<Int(field.valueEnd)]))
            }
        }
        return nil
    }

    /// Iterates fields as name/value strings.
    public struct Iterator: IteratorProtocol {
        let headers: HTTPHeaders
        var index = 0
        public mutating func next() -> (name: String, value: String)? {
            guard index < headers.fields.count else { return nil }
            let field = headers.fields[index]
            index += 1
            return (headers.name(of: field), headers.value(of: field))
        }
    }

    public func makeIterator() -> Iterator { Iterator(headers: self) }

    public var description: String {
        map { "\($0.name): \($0.value)" }.joined(separator: "\n")
    }

    /// Appends every field as `Name: value\r\n` to `out`.
    @inlinable
    public func write(to out: inout [UInt8]) {
        storage.withUnsafeBufferPointer { buffer in
            for field in fields {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[Int(field.nameStart)..<Int(field.nameEnd)]))
                out.append(asciiColon)
                out.append(asciiSpace)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[Int(field.valueStart)..<Int(field.valueEnd)]))
                out.append(asciiCR)
                out.append(asciiLF)
            }
        }
    }

    /// Appends the fields whose name `skip` does not reject, as `write(to:)` does.
    func write(to out: inout [UInt8], skipping skip: (UnsafeBufferPointer<UInt8>) -> Bool) {
        storage.withUnsafeBufferPointer { buffer in
            for field in fields {
                let name = UnsafeBufferPointer(rebasing: buffer[Int(field.nameStart)..<Int(field.nameEnd)])
                if skip(name) { continue }
                out.append(contentsOf: name)
                out.append(asciiColon)
                out.append(asciiSpace)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[Int(field.valueStart)..<Int(field.valueEnd)]))
                out.append(asciiCR)
                out.append(asciiLF)
            }
        }
    }

    /// Calls `body` with each field's name bytes, in order (for one pass over several names).
    func forEachName(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        storage.withUnsafeBufferPointer { buffer in
            for field in fields { body(UnsafeBufferPointer(rebasing: buffer[Int(field.nameStart)..<Int(field.nameEnd)])) }
        }
    }

    /// The values of the fields called `lowercase` (a name in lower case) joined with ", " (a list
    /// field's combined value), nil if there is none. Cheaper than a lookup by `String`.
    func combinedValue(lowercase name: StaticString) -> String? {
        var combined: String?
        storage.withUnsafeBufferPointer { buffer in
            for field in fields where equalsIgnoringASCIICase(UnsafeBufferPointer(rebasing: buffer[Int(field.nameStart)..<Int(field.nameEnd)]), name) {
                let value = String(decoding: UnsafeBufferPointer(rebasing: buffer[Int(field.valueStart)..<Int(field.valueEnd)]), as: UTF8.self)
                combined = combined.map { $0 + ", " + value } ?? value
            }
        }
        return combined
    }

    /// Whether a field called `lowercase` (a name in lower case) is present; cheaper than `contains` by `String`.
    func contains(lowercase name: StaticString) -> Bool {
        withValueBytes(lowercase: name) { _ in true } ?? false
    }

    /// `withValueBytes` for a name in lower case.
    func withValueBytes<R>(lowercase name: StaticString, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
        try storage.withUnsafeBufferPointer { buffer in
            for field in fields where equalsIgnoringASCIICase(UnsafeBufferPointer(rebasing: buffer[Int(field.nameStart)..<Int(field.nameEnd)]), name) {
                return try body(UnsafeBufferPointer(rebasing: buffer[Int(field.valueStart)..<Int(field.valueEnd)]))
            }
            return nil
        }
    }

    @usableFromInline
    func nameMatches(_ field: Field, _ name: String) -> Bool {
        let length = Int(field.nameEnd - field.nameStart)
        // Most fields differ in length from the name asked for: decide that before touching any bytes.
        guard name.utf8.count == length else { return false }
        var name = name
        return name.withUTF8 { wanted -> Bool in
            return storage.withUnsafeBufferPointer { buffer in
                var j = Int(field.nameStart)
                for i in 0..<length {
                    if asciiLowercased(buffer[j]) != asciiLowercased(wanted[i]) { return false }
                    j += 1
                }
                return true
            }
        }
    }

    func name(of field: Field) -> String {
        storage.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[Int(field.nameStart)..<Int(field.nameEnd)]), as: UTF8.self) }
    }

    func value(of field: Field) -> String {
        storage.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[Int(field.valueStart)..<Int(field.valueEnd)]), as: UTF8.self) }
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while let first = s.first, first == " " || first == "\t" { s = s.dropFirst() }
        while let last = s.last, last == " " || last == "\t" { s = s.dropLast() }
        return s
    }
}

/// Header fields in wire form, without Date, Connection, Content-Length and Transfer-Encoding (see
/// `HTTPResponseHead.prepare`). Here, beside `HTTPHeaders`, so that the parser builds on its own (the fuzz target).
struct PreparedHeaderFields {
    let bytes: [UInt8]
    /// Whether a Content-Length was left out (`write` needs it for a HEAD answer or a 304).
    let omitsContentLength: Bool
}
