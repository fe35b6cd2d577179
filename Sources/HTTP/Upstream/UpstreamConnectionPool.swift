import Synchronization

/// Idle keep-alive connections to one upstream, most recently used first. Thread-safe.
final class UpstreamConnectionPool: Sendable {
    private let idle = Mutex<[UpstreamConnection]>([])
    private let maxIdle: Int
    private let maxIdleSeconds: Double

    init(maxIdle: Int, maxIdleSeconds: Double) {
        self.maxIdle = maxIdle
        self.maxIdleSeconds = maxIdleSeconds
    }

    /// An idle connection that still looks usable, or nil. Connections that the upstream closed
    /// (or that sat idle too long) are dropped on the way.
    func checkout(now: Double) -> UpstreamConnection? {
        while let connection = idle.withLock({ $0.popLast() }) {
            if now - connection.idleSince < maxIdleSeconds && !connection.isStale { return connection }
        }
        return nil
    }

    /// Returns a connection after a complete response that allows reuse.
    func checkin(_ connection: UpstreamConnection, now: Double) {
        connection.idleSince = now
        let overflow = idle.withLock { connections -> UpstreamConnection? in
            connections.append(connection)
            return connections.count > maxIdle ? connections.removeFirst() : nil
        }
        _ = overflow  // closed here, outside the lock
    }

    var idleCount: Int { idle.withLock { $0.count } }

    func removeAll() {
        let dropped = idle.withLock { connections -> [UpstreamConnection] in
            defer { connections.removeAll() }
            return connections
        }
        _ = dropped
    }
}
