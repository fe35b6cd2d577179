import Daemon
/// A thread-safe pool of `RedisConnection`s to one server. Connections are opened lazily up to
/// `maxConnections`; a broken connection is discarded when it comes back, an idle one the server
/// closed is discarded when it is taken, so the first call after a Redis restart works. When
/// Redis is down a call fails within the connect timeout, and for `backoff` after a failed
/// connect every call that needs a new connection fails at once with `RedisError.backingOff`.
/// A command timeout counts as a failed connect too, so a hung server costs one slow call per
/// back-off interval rather than one per call.
public final class RedisPool: RedisClient, @unchecked Sendable {
    /// What the pool connects to and how it behaves.
    public struct Configuration: Sendable {
        public var address: RedisAddress
        /// Connect and command timeouts of each connection.
        public var connection: RedisConnection.Options
        /// The most connections open at once (at least 1).
        public var maxConnections: Int
        /// How long calls fail at once after a failed connect before one of them tries again.
        public var backoff: Duration
        /// How long a call waits for a busy connection when all `maxConnections` are lent out.
        public var checkoutTimeout: Duration

        public init(address: RedisAddress, connection: RedisConnection.Options = RedisConnection.Options(),
                    maxConnections: Int = 4, backoff: Duration = .seconds(1), checkoutTimeout: Duration = .seconds(1)) {
            self.address = address
            self.connection = connection
            self.maxConnections = max(1, maxConnections)
            self.backoff = backoff
            self.checkoutTimeout = checkoutTimeout
        }
    }

    /// Counters for health pages and tests.
    public struct Statistics: Sendable, Equatable {
        /// Connections that exist now, lent out or idle.
        public var open: Int
        /// Connections waiting in the pool to be lent.
        public var idle: Int
        /// Connections opened since the pool was made.
        public var created: Int
        /// Connections closed because they were broken or the server had closed them.
        public var discarded: Int
    }

    /// The configuration the pool was made with.
    public let configuration: Configuration
    private let log: (@Sendable (String) -> Void)?
    private let lock = Lock()
    private var idle: [RedisConnection] = []
    private var open = 0
    private var created = 0
    private var discarded = 0
    private var backoff: ConnectBackoff
    private var isShutDown = false

    /// `log` receives one line when Redis becomes unreachable and one when it is back.
    public init(configuration: Configuration, log: (@Sendable (String) -> Void)? = nil) {
        var configuration = configuration
        configuration.maxConnections = max(1, configuration.maxConnections)
        self.configuration = configuration
        self.log = log
        self.backoff = ConnectBackoff(intervalNanoseconds: configuration.backoff.nanoseconds)
    }

    /// A pool for the server of a `redis://` or `unix://` URL.
    public convenience init(url: String, maxConnections: Int = 4, log: (@Sendable (String) -> Void)? = nil) throws {
        self.init(configuration: Configuration(address: try RedisAddress(url: url), maxConnections: maxConnections), log: log)
    }

    /// The server of every connection of the pool.
    public var address: RedisAddress { configuration.address }

    /// The counters as they are now.
    public var statistics: Statistics {
        lock.withLock { Statistics(open: open, idle: idle.count, created: created, discarded: discarded) }
    }

    /// Lends a connection to `body` (on this thread) and takes it back afterwards.
    public func withConnection<T>(_ body: (RedisConnection) throws -> T) throws -> T {
        let connection = try checkout()
        defer { checkin(connection) }
        return try body(connection)
    }

    /// Runs one command on a pooled connection.
    public func command(_ arguments: [[UInt8]]) throws -> RedisReply {
        try withConnection { try $0.command(arguments) }
    }

    /// Runs a pipeline on one pooled connection.
    public func pipeline(_ commands: [[[UInt8]]]) throws -> [RedisReply] {
        try withConnection { try $0.pipeline(commands) }
    }

    /// `pipeline` with text arguments.
    public func pipeline(_ commands: [[String]]) throws -> [RedisReply] {
        try withConnection { try $0.pipeline(commands) }
    }

    /// Closes the idle connections; lent ones are closed when they come back, and every later
    /// call throws `RedisError.poolClosed`.
    public func shutdown() {
        let closing: [RedisConnection] = lock.withLock {
            isShutDown = true
            let list = idle
            idle.removeAll()
            open -= list.count
            lock.broadcast()
            return list
        }
        closing.forEach { $0.close() }
    }

    private enum Step {
        case reuse(RedisConnection)
        case connect
    }

    private func checkout() throws -> RedisConnection {
        let deadline = monotonicNanoseconds() + configuration.checkoutTimeout.nanoseconds
        while true {
            switch try nextStep(deadline: deadline) {
            case .reuse(let connection):
                if connection.isStale {
                    discard(connection)
                    continue
                }
                return connection
            case .connect:
                return try connect()
            }
        }
    }

    private func nextStep(deadline: UInt64) throws -> Step {
        try lock.withLock {
            while true {
                if isShutDown { throw RedisError.poolClosed(address: address.description) }
                if let connection = idle.popLast() { return .reuse(connection) }
                if open < configuration.maxConnections {
                    switch backoff.decide(now: monotonicNanoseconds()) {
                    case .connect:
                        open += 1
                        return .connect
                    case .failFast(let lastFailure):
                        throw RedisError.backingOff(address: address.description, lastFailure: lastFailure)
                    }
                }
                if !lock.wait(until: deadline) && idle.isEmpty && open >= configuration.maxConnections {
                    throw RedisError.poolExhausted(address: address.description,
                                                   waitedMilliseconds: configuration.checkoutTimeout.roundedUpMilliseconds)
                }
            }
        }
    }

    private func connect() throws -> RedisConnection {
        do {
            let connection = try RedisConnection(address: address, options: configuration.connection)
            let transition = lock.withLock {
                created += 1
                return backoff.connectSucceeded()
            }
            if transition == .recovered { log?("Redis at \(address) is reachable again") }
            return connection
        } catch {
            let reason = (error as? RedisError)?.description ?? "\(error)"
            let transition = lock.withLock {
                open -= 1
                lock.broadcast()
                return backoff.connectFailed(now: monotonicNanoseconds(), reason: reason)
            }
            if transition == .startedBackingOff {
                log?("\(reason); calls needing a new connection fail at once for \(configuration.backoff)")
            }
            throw error
        }
    }

    private func checkin(_ connection: RedisConnection) {
        let (keep, transition) = lock.withLock { () -> (Bool, ConnectBackoff.Transition) in
            let keep = !connection.isBroken && !isShutDown
            var transition = ConnectBackoff.Transition.none
            if keep {
                idle.append(connection)
            } else {
                open -= 1
                if connection.isBroken { discarded += 1 }
            }
            if case .timeout? = connection.failure {
                transition = backoff.connectFailed(now: monotonicNanoseconds(), reason: "\(RedisError.timeout(address: address.description))")
            }
            lock.signal()
            return (keep, transition)
        }
        if !keep { connection.close() }
        if transition == .startedBackingOff {
            log?("Redis at \(address) did not answer within \(configuration.connection.commandTimeout); calls needing a new connection fail at once for \(configuration.backoff)")
        }
    }

    private func discard(_ connection: RedisConnection) {
        lock.withLock {
            open -= 1
            discarded += 1
            lock.signal()
        }
        connection.close()
    }
}
