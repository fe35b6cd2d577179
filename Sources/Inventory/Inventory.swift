import Postgres

/// The stock operations of InvenTree, each run as one PostgreSQL transaction with its tracking entries.
public final class Inventory: @unchecked Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Runs `body` in one transaction on behalf of `userID` (recorded in tracking entries): all of it
    /// is committed, or nothing when it throws.
    @discardableResult
    public func perform<T>(userID: Int?, _ body: (StockTransaction) throws -> T) throws -> T {
        try pool.transaction { connection in
            try body(StockTransaction(connection: connection, userID: userID))
        }
    }
}
