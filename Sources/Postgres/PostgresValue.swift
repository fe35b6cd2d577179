import CPostgres
import FoundationEssentials

/// A PostgreSQL type OID.
public typealias PostgresTypeID = UInt32

/// A Swift value that can be bound to a statement parameter (`$1`, `$2`, ...). `nil` binds NULL.
///
/// Values go to the server in text format, except `[UInt8]` (bytea) which goes in binary. The type sent
/// with a parameter is the value's natural type (`Int` is `bigint`, `Double` is `double precision`, ...);
/// a `String` is sent untyped, so the server reads it as the type the statement needs (text, numeric,
/// uuid, json, timestamptz, ...).
public protocol PostgresValue {
    /// Appends this value as one parameter.
    func encode(into encoder: inout PostgresParameterEncoder)
}

/// Collects the parameters of one statement in the arrays that `PQexecParams` wants, in one byte buffer.
public struct PostgresParameterEncoder {
    var bytes: [UInt8] = []
    var offsets: [Int] = []
    var lengths: [Int32] = []
    var formats: [Int32] = []
    var types: [Oid] = []

    init() {}

    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        lengths.removeAll(keepingCapacity: true)
        formats.removeAll(keepingCapacity: true)
        types.removeAll(keepingCapacity: true)
    }

    var count: Int { offsets.count }

    func isNull(_ index: Int) -> Bool { offsets[index] < 0 }

    mutating func appendNull() {
        offsets.append(-1)
        lengths.append(0)
        formats.append(0)
        types.append(0)
    }

    /// Appends a parameter in text format from UTF-8 text (libpq wants it NUL-terminated).
    public mutating func appendText(_ text: String, type: PostgresTypeID) {
        begin(type: type, format: 0)
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
        bytes.append(0)
        lengths.append(0)
    }

    /// Appends an integer in text format without going through a `String`.
    public mutating func appendInteger(_ value: Int64, type: PostgresTypeID) {
        begin(type: type, format: 0)
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = bytes.count
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        bytes[start...].reverse()
        bytes.append(0)
        lengths.append(0)
    }

    /// Appends a parameter in binary format.
    public mutating func appendBinary<Bytes: Collection>(_ value: Bytes, type: PostgresTypeID) where Bytes.Element == UInt8 {
        begin(type: type, format: 1)
        bytes.append(contentsOf: value)
        lengths.append(Int32(value.count))
    }

    private mutating func begin(type: PostgresTypeID, format: Int32) {
        offsets.append(bytes.count)
        formats.append(format)
        types.append(type)
    }

    /// Calls `body` with the value pointers, lengths, formats and types of the parameters.
    mutating func withParameterArrays<R>(
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?, UnsafePointer<Oid>?) throws -> R
    ) rethrows -> R {
        let count = offsets.count
        if count == 0 { return try body(nil, nil, nil, nil) }
        return try bytes.withUnsafeBufferPointer { buffer in
            try withUnsafeTemporaryAllocation(of: UnsafePointer<CChar>?.self, capacity: count) { pointers in
                let base = buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
                for index in 0..<count {
                    let offset = offsets[index]
                    pointers[index] = offset < 0 ? nil : base.map { $0 + offset }
                }
                return try lengths.withUnsafeBufferPointer { lengths in
                    try formats.withUnsafeBufferPointer { formats in
                        try types.withUnsafeBufferPointer { types in
                            try body(UnsafePointer(pointers.baseAddress), lengths.baseAddress, formats.baseAddress, types.baseAddress)
                        }
                    }
                }
            }
        }
    }
}

/// Well-known type OIDs (from pg_type).
public enum PostgresType {
    public static let unspecified: PostgresTypeID = 0
    public static let bool: PostgresTypeID = 16
    public static let bytea: PostgresTypeID = 17
    public static let int8: PostgresTypeID = 20
    public static let int2: PostgresTypeID = 21
    public static let int4: PostgresTypeID = 23
    public static let text: PostgresTypeID = 25
    public static let json: PostgresTypeID = 114
    public static let float4: PostgresTypeID = 700
    public static let float8: PostgresTypeID = 701
    public static let varchar: PostgresTypeID = 1043
    public static let date: PostgresTypeID = 1082
    public static let timestamp: PostgresTypeID = 1114
    public static let timestamptz: PostgresTypeID = 1184
    public static let numeric: PostgresTypeID = 1700
    public static let uuid: PostgresTypeID = 2950
    public static let jsonb: PostgresTypeID = 3802

    static let names: [PostgresTypeID: String] = [
        16: "boolean", 17: "bytea", 18: "char", 19: "name", 20: "bigint", 21: "smallint", 23: "integer",
        25: "text", 26: "oid", 114: "json", 700: "real", 701: "double precision", 1042: "character",
        1043: "character varying", 1082: "date", 1083: "time", 1114: "timestamp", 1184: "timestamptz",
        1186: "interval", 1700: "numeric", 2950: "uuid", 3802: "jsonb",
    ]

    /// A readable name for a type OID.
    public static func name(of type: PostgresTypeID) -> String {
        names[type] ?? "type \(type)"
    }
}

extension Int: PostgresValue {
    public func encode(into encoder: inout PostgresParameterEncoder) {
        encoder.appendInteger(Int64(self), type: PostgresType.int8)
    }
}

extension Int64: PostgresValue {
    public func encode(into encoder: inout PostgresParameterEncoder) {
        encoder.appendInteger(self, type: PostgresType.int8)
    }
}

extension Int32: PostgresValue {
    public func encode(into encoder: inout PostgresParameterEncoder) {
        encoder.appendInteger(Int64(self), type: PostgresType.int4)
    }
}

extension Double: PostgresValue {
    public func encode(into encoder: inout PostgresParameterEncoder) {
        // Swift's description is the shortest text that reads back as the same Double; float8in accepts it
        // (including "inf", "-inf" and "nan").
        encoder.appendText(description, type: PostgresType.float8)
    }
}

extension Bool: PostgresValue {
    public func encode(into encoder: inout PostgresParameterEncoder) {
        encoder.appendText(self ? "t" : "f", type: PostgresType.bool)
    }
}

extension String: PostgresValue {
    public func encode(into encoder: inout PostgresParameterEncoder) {
        encoder.appendText(self, type: PostgresType.unspecified)
    }
}

extension Substring: PostgresValue {
    public func encode(into encoder: inout PostgresParameterEncoder) {
        encoder.appendText(String(self), type: PostgresType.unspecified)
    }
}

extension Array: PostgresValue where Element == UInt8 {
    public func encode(into encoder: inout PostgresParameterEncoder) {
        encoder.appendBinary(self, type: PostgresType.bytea)
    }
}

extension Date: PostgresValue {
    public func encode(into encoder: inout PostgresParameterEncoder) {
        encoder.appendText(PostgresTimestamp.format(self), type: PostgresType.timestamptz)
    }
}

extension UUID: PostgresValue {
    public func encode(into encoder: inout PostgresParameterEncoder) {
        encoder.appendText(uuidString, type: PostgresType.uuid)
    }
}

/// JSON text bound as a parameter; the server reads it as the json or jsonb the statement needs.
public struct PostgresJSON: PostgresValue, Equatable, Sendable {
    /// The JSON document as text.
    public var text: String
    /// Wraps JSON text.
    public init(_ text: String) { self.text = text }
    public func encode(into encoder: inout PostgresParameterEncoder) {
        encoder.appendText(text, type: PostgresType.unspecified)
    }
}
