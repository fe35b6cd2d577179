import CPostgres

/// Transaction isolation levels.
public enum PostgresIsolationLevel: String, Sendable {
    case readCommitted = "READ COMMITTED"
    case repeatableRead = "REPEATABLE READ"
    case serializable = "SERIALIZABLE"
}

extension PostgresConnection {
    private static let begin = PreparedStatement("BEGIN")
    private static let beginReadCommitted = PreparedStatement("BEGIN ISOLATION LEVEL READ COMMITTED")
    private static let beginRepeatableRead = PreparedStatement("BEGIN ISOLATION LEVEL REPEATABLE READ")
    private static let beginSerializable = PreparedStatement("BEGIN ISOLATION LEVEL SERIALIZABLE")
    private static let commit = PreparedStatement("COMMIT")
    private static let rollback = PreparedStatement("ROLLBACK")

    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it throws (and the error is
    /// rethrown). Nested calls are a usage error.
    @discardableResult
    public func transaction<T>(isolation: PostgresIsolationLevel? = nil, _ body: (PostgresConnection) throws -> T) throws -> T {
        guard !isInTransaction, isIdleOutsideTransaction else {
            throw PostgresError(.usage, "transaction() called while a transaction is already open on this connection: nested transactions are not supported")
        }
        switch isolation {
        case nil: try execute(Self.begin)
        case .readCommitted?: try execute(Self.beginReadCommitted)
        case .repeatableRead?: try execute(Self.beginRepeatableRead)
        case .serializable?: try execute(Self.beginSerializable)
        }
        isInTransaction = true
        defer { isInTransaction = false }
        let value: T
        do {
            value = try body(self)
        } catch {
            if !isBroken { _ = try? execute(Self.rollback) }
            throw error
        }
        let result = try query(Self.commit)
        if result.commandStatus == "ROLLBACK" {
            throw PostgresError(
                .server, "the transaction was rolled back instead of committed because a statement in it failed",
                sqlState: "25P02", statement: "COMMIT")
        }
        return value
    }
}
