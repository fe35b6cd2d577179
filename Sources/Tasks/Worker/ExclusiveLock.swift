import Postgres
import Redis

/// The lock an exclusive task holds while it runs: a Redis lock, or a PostgreSQL advisory lock on the
/// task thread's own connection when Redis cannot be used (the session lock goes with the connection if
/// the worker dies).
enum ExclusiveLock {
    case redis(RedisLock)
    case advisory(name: String)

    static func key(_ name: String) -> String { "stockroom:task-lock:" + name }

    /// Takes the lock for task `name`; nil if another run holds it.
    static func acquire(name: String, ttl: Duration, redis: RedisPool?, connection: PostgresConnection) throws -> ExclusiveLock? {
        if let redis {
            do {
                return try RedisLock.tryAcquire(key: key(name), ttl: ttl, using: redis).map { .redis($0) }
            } catch let error as RedisError where error.isUnavailable {
                // Redis is down: fall through to the database's lock.
            }
        }
        let taken: Bool = try connection.query(
            "SELECT pg_try_advisory_lock(hashtext($1))", [key(name)]).singleRow().decode(0)
        return taken ? .advisory(name: name) : nil
    }

    /// Keeps a Redis lock alive for another `ttl`; advisory locks need nothing.
    func extend(ttl: Duration) {
        if case .redis(let lock) = self { _ = try? lock.extend(ttl: ttl) }
    }

    func release(connection: PostgresConnection) {
        switch self {
        case .redis(let lock):
            _ = try? lock.release()
        case .advisory(let name):
            _ = try? connection.query("SELECT pg_advisory_unlock(hashtext($1))", [ExclusiveLock.key(name)])
        }
    }
}
