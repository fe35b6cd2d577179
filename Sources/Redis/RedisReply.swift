/// One reply from Redis, copied out of hiredis' reply tree.
public enum RedisReply: Equatable, Sendable, CustomStringConvertible {
    /// A simple string such as `OK` or `PONG`.
    case status(String)
    /// An error reply. `command` throws these as `RedisError.server`; they appear as values only
    /// inside pipelines and arrays (for example the results of `EXEC`).
    case error(String)
    case integer(Int64)
    /// A bulk string: binary-safe bytes.
    case string([UInt8])
    /// The null bulk string or null array.
    case null
    case array([RedisReply])

    /// The bytes of a bulk string (or the text of a status).
    public var bytes: [UInt8]? {
        switch self {
        case .string(let bytes): return bytes
        case .status(let text): return Array(text.utf8)
        default: return nil
        }
    }

    /// The text of a bulk string or status, decoding invalid UTF-8 with replacement characters.
    public var string: String? {
        switch self {
        case .string(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .status(let text): return text
        default: return nil
        }
    }

    /// The value of an integer reply.
    public var integer: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The elements of an array reply.
    public var array: [RedisReply]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// True for the null bulk string or array.
    public var isNull: Bool { self == .null }

    public var description: String {
        switch self {
        case .status(let text): return "status(\(text))"
        case .error(let message): return "error(\(message))"
        case .integer(let value): return "integer(\(value))"
        case .string(let bytes): return "string(\(bytes.count) bytes)"
        case .null: return "null"
        case .array(let elements): return "array(\(elements.map(\.description).joined(separator: ", ")))"
        }
    }
}
