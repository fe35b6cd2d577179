/// An error from the Postgres library: a failed connection, an SQL error from the server, a value that
/// could not be decoded, an exhausted pool, a misuse of the API or an invalid migration.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is.
    public enum Kind: Equatable, Sendable {
        /// The connection could not be made or was lost; the connection is unusable.
        case connection
        /// The server rejected a statement (see `sqlState`); the connection is still usable.
        case server
        /// A column value could not be decoded into the requested Swift type.
        case decoding
        /// No pooled connection became free within the pool's acquire timeout.
        case poolExhausted
        /// The API was used in a way it does not support (for example a nested transaction).
        case usage
        /// A migration list is invalid or does not match the database.
        case migration
    }

    /// What kind of failure this is.
    public let kind: Kind
    /// The main message (libpq's or the server's primary message, or the library's own).
    public let message: String
    /// The five-character SQLSTATE code sent by the server, e.g. "23505" for a unique violation.
    public var sqlState: String?
    /// The statement that failed, for query errors.
    public var statement: String?
    /// The server's DETAIL field.
    public var detail: String?
    /// The server's HINT field.
    public var hint: String?
    /// The column a decoding error is about.
    public var column: String?
    /// The zero-based row a decoding error is about.
    public var row: Int?

    /// Creates an error of `kind` with `message`.
    public init(_ kind: Kind, _ message: String, sqlState: String? = nil, statement: String? = nil) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.statement = statement
    }

    /// True for a failure that made the connection unusable (it must be discarded or reset).
    public var isConnectionError: Bool { kind == .connection }

    /// The SQLSTATE of a unique-key violation.
    public static let uniqueViolation = "23505"
    /// The SQLSTATE of a serialization failure (retry the transaction).
    public static let serializationFailure = "40001"

    public var description: String {
        var text = message
        if let sqlState { text = "\(text) (SQLSTATE \(sqlState))" }
        if let detail { text += "; detail: \(detail)" }
        if let hint { text += "; hint: \(hint)" }
        if let statement { text += "; statement: \(statement)" }
        return text
    }
}
