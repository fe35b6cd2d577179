import Daemon
/// A thread-safe pool of `PostgresConnection`s to one database.
///
/// Connections are opened lazily, up to `maximumConnections`. A borrower waits up to `acquireTimeout`
/// seconds for a free connection, then gets a `.poolExhausted` error. An idle connection is checked
/// before it is handed out (a session the server closed is replaced, not handed out), and a connection
/// that failed at the connection level is discarded instead of being returned. Statements are never
/// retried: a statement that failed because the connection died is reported to the caller.
public final class PostgresPool: @unchecked Sendable {
    /// How a pool connects and how large it grows.
    public struct Configuration: Sendable {
        /// libpq URL or conninfo string.
        public var url: String
        /// Idle connections kept open however long they are unused.
        public var minimumConnections: Int
        /// The most connections open at once.
        public var maximumConnections: Int
        /// Seconds a borrower waits for a free connection.
        public var acquireTimeout: Double
        /// Seconds after which idle connections beyond `minimumConnections` are closed.
        public var idleTimeout: Double

        /// A configuration with the given limits.
        public init(url: String, minimumConnections: Int = 0, maximumConnections: Int = 10,
                    acquireTimeout: Double = 10, idleTimeout: Double = 300) {
            self.url = url
            self.minimumConnections = max(0, minimumConnections)
            self.maximumConnections = max(1, maximumConnections)
            self.acquireTimeout = acquireTimeout
            self.idleTimeout = idleTimeout
        }
    }

    /// The pool's configuration.
    public let configuration: Configuration
    private let logger: (@Sendable (String) -> Void)?
    private let lock = Lock()
    private var idle: [PostgresConnection] = []
    private var openCount = 0
    private var closed = false

    /// A pool for `configuration`; no connection is opened until one is needed.
    public init(_ configuration: Configuration, logger: (@Sendable (String) -> Void)? = nil) {
        self.configuration = configuration
        self.logger = logger
    }

    /// A pool for `url` with the given limits.
    public convenience init(url: String, minimumConnections: Int = 0, maximumConnections: Int = 10,
                            acquireTimeout: Double = 10, logger: (@Sendable (String) -> Void)? = nil) {
        self.init(Configuration(url: url, minimumConnections: minimumConnections,
                                maximumConnections: maximumConnections, acquireTimeout: acquireTimeout), logger: logger)
    }

    deinit { close() }

    /// Connections open now (idle or borrowed) and idle now.
    public var connectionCounts: (open: Int, idle: Int) { lock.withLock { (openCount, idle.count) } }

    @discardableResult
    /// Runs `body` with a connection of its own, then gives the connection back.
    public func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try acquire()
        let value: T
        do {
            value = try body(connection)
        } catch {
            release(connection)
            throw error
        }
        release(connection)
        return value
    }

    @discardableResult
    /// Runs `body` in a transaction on a pooled connection (see `PostgresConnection.transaction`).
    public func transaction<T>(isolation: PostgresIsolationLevel? = nil, _ body: (PostgresConnection) throws -> T) throws -> T {
        try withConnection { try $0.transaction(isolation: isolation, body) }
    }

    /// Closes idle connections and refuses further borrowing; borrowed connections close when returned.
    public func close() {
        let connections: [PostgresConnection] = lock.withLock {
            closed = true
            let connections = idle
            openCount -= idle.count
            idle = []
            lock.broadcast()
            return connections
        }
        _ = connections
    }

    private func acquire() throws -> PostgresConnection {
        let deadline = monotonicNanoseconds() + UInt64(max(0, configuration.acquireTimeout) * 1_000_000_000)
        while true {
            enum Next { case check(PostgresConnection), open }
            let next: Next = try lock.withLock {
                while true {
                    if closed { throw PostgresError(.usage, "the PostgreSQL pool is closed") }
                    if let connection = idle.popLast() { return .check(connection) }
                    if openCount < configuration.maximumConnections {
                        openCount += 1
                        return .open
                    }
                    if !lock.wait(until: deadline) && idle.isEmpty && openCount >= configuration.maximumConnections {
                        throw PostgresError(
                            .poolExhausted,
                            "no PostgreSQL connection became free within \(configuration.acquireTimeout) s: all \(configuration.maximumConnections) connections of the pool are in use")
                    }
                }
            }
            switch next {
            case .check(let connection):
                if connection.isAliveWhileIdle() { return connection }
                logger?("discarding a pooled PostgreSQL connection the server closed")
                discard()
            case .open:
                do {
                    return try PostgresConnection(configuration.url, logger: logger)
                } catch {
                    discard()
                    throw error
                }
            }
        }
    }

    private func release(_ connection: PostgresConnection) {
        var reusable = !connection.isBroken && !connection.isInTransaction
        if reusable && !connection.isIdleOutsideTransaction {
            // The borrower left a transaction open (its own BEGIN): end it rather than leak it.
            reusable = (try? connection.runScript("ROLLBACK")) != nil && connection.isIdleOutsideTransaction
        }
        let now = monotonicSeconds()
        var expired: [PostgresConnection] = []
        lock.withLock {
            if reusable && !closed {
                connection.idleSince = now
                idle.append(connection)
                // The oldest idle connections sit at the front of the stack.
                while idle.count > configuration.minimumConnections,
                      let oldest = idle.first, now - oldest.idleSince > configuration.idleTimeout {
                    expired.append(idle.removeFirst())
                    openCount -= 1
                }
            } else {
                openCount -= 1
            }
            lock.signal()
        }
        _ = expired
    }

    private func discard() {
        lock.withLock {
            openCount -= 1
            lock.signal()
        }
    }
}
