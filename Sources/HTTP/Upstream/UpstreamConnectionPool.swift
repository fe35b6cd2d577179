import Daemon
import Glibc

/// Idle keep-alive connections to one upstream, most recently used first. Thread-safe.
///
/// The connections are spread over a few shards (by descriptor), each behind its own lock, and a
/// thread looks first in the shard its identity picks: with every worker thread checking connections
/// in and out for each request, one lock for all of them was contended enough to show in profiles.
final class UpstreamConnectionPool: @unchecked Sendable {
    /// Connections behind a plain pthread mutex: contended, its futex is far cheaper than the
    /// priority-inheriting one of `Synchronization.Mutex`, which profiles showed in the kernel.
    private final class Shard {
        private let mutex = Lock()
        private var connections: [UpstreamConnection] = []

        func withLock<R>(_ body: (inout [UpstreamConnection]) -> R) -> R {
            mutex.withLock { body(&connections) }
        }
    }

    private let shards: [Shard]
    private let maxIdlePerShard: Int
    private let maxIdleSeconds: Double

    init(maxIdle: Int, maxIdleSeconds: Double) {
        let count = maxIdle >= 32 ? 8 : 1
        shards = (0..<count).map { _ in Shard() }
        maxIdlePerShard = (maxIdle + count - 1) / count
        self.maxIdleSeconds = maxIdleSeconds
    }

    /// An idle connection that still looks usable, or nil. Connections that the upstream closed
    /// (or that sat idle too long) are dropped on the way. The calling thread's shard is tried first.
    func checkout(now: Double) -> UpstreamConnection? {
        let first = homeShard
        for step in 0..<shards.count {
            let shard = shards[(first + step) % shards.count]
            while let connection = shard.withLock({ $0.popLast() }) {
                if now - connection.idleSince < maxIdleSeconds && !connection.isStale { return connection }
            }
        }
        return nil
    }

    /// Returns a connection after a complete response that allows reuse.
    func checkin(_ connection: UpstreamConnection, now: Double) {
        connection.idleSince = now
        // By descriptor, not by thread: one thread (the poller) may return every connection.
        let overflow = shards[Int(connection.fd) % shards.count].withLock { connections -> UpstreamConnection? in
            connections.append(connection)
            return connections.count > maxIdlePerShard ? connections.removeFirst() : nil
        }
        _ = overflow  // closed here, outside the lock
    }

    var idleCount: Int { shards.reduce(0) { count, shard in count + shard.withLock { $0.count } } }

    func removeAll() {
        for shard in shards {
            let dropped = shard.withLock { connections -> [UpstreamConnection] in
                defer { connections.removeAll() }
                return connections
            }
            _ = dropped
        }
    }

    /// The shard of the calling thread (a multiplicative hash of its pthread id).
    private var homeShard: Int {
        guard shards.count > 1 else { return 0 }
        return Int((UInt64(pthread_self()) &* 0x9E37_79B9_7F4A_7C15) >> 32) % shards.count
    }
}
