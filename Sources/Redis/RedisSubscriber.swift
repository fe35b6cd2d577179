import Daemon
import Glibc

/// Receives pub/sub messages on a connection of its own. Not thread-safe: one thread calls
/// `next(timeout:)` in a loop. When the connection is lost, `next` throws once (messages
/// published meanwhile are lost, so the caller may want to resynchronise); a later call
/// reconnects and subscribes again to every channel and pattern, at most once per back-off.
public final class RedisSubscriber {
    /// The server it subscribes on.
    public let address: RedisAddress
    /// Timeouts of its connection; the command timeout bounds the wait for subscription confirmations.
    public let options: RedisConnection.Options
    /// How many times the subscriber has connected again after losing its connection.
    public private(set) var reconnections = 0
    private(set) var channels: [String] = []
    private(set) var patterns: [String] = []
    private var connection: RedisConnection?
    private var pending: [RedisMessage] = []
    private var backoff: ConnectBackoff
    private var hasConnected = false
    private let log: ((String) -> Void)?

    /// Nothing is opened until the first `subscribe`, `psubscribe` or `next`.
    public init(address: RedisAddress, options: RedisConnection.Options = RedisConnection.Options(),
                backoff: Duration = .seconds(1), log: ((String) -> Void)? = nil) {
        self.address = address
        self.options = options
        self.backoff = ConnectBackoff(intervalNanoseconds: backoff.nanoseconds)
        self.log = log
    }

    /// A subscriber for the server of a `redis://` or `unix://` URL.
    public convenience init(url: String, options: RedisConnection.Options = RedisConnection.Options(),
                            backoff: Duration = .seconds(1), log: ((String) -> Void)? = nil) throws {
        self.init(address: try RedisAddress(url: url), options: options, backoff: backoff, log: log)
    }

    /// True while the subscriber holds a working connection.
    public var isConnected: Bool { connection.map { !$0.isBroken } ?? false }

    /// Subscribes to channels and waits for the server to confirm. The channels are remembered
    /// even when this throws, and subscribed to on the next reconnect.
    public func subscribe(_ names: [String]) throws {
        let added = names.filter { !channels.contains($0) }
        channels += added
        try change("SUBSCRIBE", added)
    }

    /// Subscribes to glob-style patterns (PSUBSCRIBE), as `subscribe` does to channels.
    public func psubscribe(_ names: [String]) throws {
        let added = names.filter { !patterns.contains($0) }
        patterns += added
        try change("PSUBSCRIBE", added)
    }

    /// Stops receiving from channels.
    public func unsubscribe(_ names: [String]) throws {
        let removed = names.filter { channels.contains($0) }
        channels.removeAll { removed.contains($0) }
        if isConnected { try change("UNSUBSCRIBE", removed) }
    }

    /// Stops receiving from patterns.
    public func punsubscribe(_ names: [String]) throws {
        let removed = names.filter { patterns.contains($0) }
        patterns.removeAll { removed.contains($0) }
        if isConnected { try change("PUNSUBSCRIBE", removed) }
    }

    /// The next message, or nil when none arrives within `timeout`; a timeout leaves the
    /// connection working. Throws when the connection is lost or cannot be made again.
    public func next(timeout: Duration) throws -> RedisMessage? {
        if !pending.isEmpty { return pending.removeFirst() }
        let deadline = monotonicNanoseconds() + timeout.nanoseconds
        let connection = try connected(waitingUntil: deadline)
        if !pending.isEmpty { return pending.removeFirst() }
        while true {
            let now = monotonicNanoseconds()
            let remaining = Duration.nanoseconds(Int64(deadline > now ? deadline - now : 0))
            guard let reply = try read(connection, timeout: remaining) else { return nil }
            if case .message(let message) = PubSubEvent(reply) { return message }
        }
    }

    /// Closes the connection; a later call connects again.
    public func close() {
        connection?.close()
        connection = nil
    }

    private func change(_ verb: String, _ names: [String]) throws {
        guard !names.isEmpty else { return }
        if let connection, !connection.isBroken {
            try send(connection, [[verb] + names])
            try awaitConfirmations(names.count, on: connection)
        } else {
            _ = try connected(waitingUntil: monotonicNanoseconds())
        }
    }

    /// The working connection, making one (and subscribing it) if there is none. While a
    /// back-off after a failed connect lasts, waits for it if it ends before `deadline`.
    private func connected(waitingUntil deadline: UInt64) throws -> RedisConnection {
        if let connection, !connection.isBroken { return connection }
        connection = nil
        var now = monotonicNanoseconds()
        if case .failFast(let lastFailure) = backoff.decide(now: now) {
            let wait = backoff.remaining(now: now)
            guard now + wait <= deadline else {
                sleep(nanoseconds: deadline > now ? deadline - now : 0)
                throw RedisError.backingOff(address: address.description, lastFailure: lastFailure)
            }
            sleep(nanoseconds: wait)
            now = monotonicNanoseconds()
            guard backoff.decide(now: now) == .connect else {
                throw RedisError.backingOff(address: address.description, lastFailure: lastFailure)
            }
        }
        let fresh: RedisConnection
        do {
            fresh = try RedisConnection(address: address, options: options)
            var commands: [[String]] = []
            if !channels.isEmpty { commands.append(["SUBSCRIBE"] + channels) }
            if !patterns.isEmpty { commands.append(["PSUBSCRIBE"] + patterns) }
            if !commands.isEmpty {
                try send(fresh, commands)
                try awaitConfirmations(channels.count + patterns.count, on: fresh)
            }
            connection = fresh
        } catch {
            let reason = (error as? RedisError)?.description ?? "\(error)"
            if backoff.connectFailed(now: monotonicNanoseconds(), reason: reason) == .startedBackingOff {
                log?("subscriber: \(reason)")
            }
            throw error
        }
        _ = backoff.connectSucceeded()
        if hasConnected {
            reconnections += 1
            log?("subscriber: reconnected to Redis at \(address), \(channels.count + patterns.count) subscriptions restored")
        }
        hasConnected = true
        return fresh
    }

    private func send(_ connection: RedisConnection, _ commands: [[String]]) throws {
        do {
            try connection.send(commands.map { $0.map { Array($0.utf8) } })
        } catch {
            drop(connection)
            throw error
        }
    }

    private func read(_ connection: RedisConnection, timeout: Duration) throws -> RedisReply? {
        do {
            return try connection.readReply(timeout: timeout)
        } catch {
            drop(connection)
            throw error
        }
    }

    /// Reads until `count` confirmations arrived, keeping the messages that come in between.
    private func awaitConfirmations(_ count: Int, on connection: RedisConnection) throws {
        let deadline = monotonicNanoseconds() + options.commandTimeout.nanoseconds
        var confirmed = 0
        while confirmed < count {
            let now = monotonicNanoseconds()
            guard now < deadline, let reply = try read(connection, timeout: .nanoseconds(Int64(deadline - now))) else {
                drop(connection)
                throw RedisError.timeout(address: address.description)
            }
            switch PubSubEvent(reply) {
            case .message(let message): pending.append(message)
            case .confirmation: confirmed += 1
            case .other(.error(let message)): throw RedisError.server(message)
            case .pong, .other: break
            }
        }
    }

    private func drop(_ broken: RedisConnection) {
        broken.close()
        if connection === broken { connection = nil }
    }

    private func sleep(nanoseconds: UInt64) {
        var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        var left = timespec()
        while nanosleep(&request, &left) != 0 && errno == EINTR { request = left }
    }
}
