/// A lock that expires on its own: `SET key token NX PX ttl`. Only its owner, the holder of the
/// random token, can release or extend it (both check the token in a Lua script), so a holder
/// whose lock expired and was taken by someone else cannot remove the new holder's lock.
public final class RedisLock {
    /// The key that holds the lock's token.
    public let key: String
    /// Random, unguessable, unique to this acquisition.
    public let token: String
    private let client: RedisClient

    static let releaseScript = RedisScript("""
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end
        """)
    static let extendScript = RedisScript("""
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end
        """)

    init(key: String, token: String, client: RedisClient) {
        self.key = key
        self.token = token
        self.client = client
    }

    /// Takes the lock if nobody holds it; nil if somebody does. Throws when Redis cannot be used.
    public static func tryAcquire(key: String, ttl: Duration, using client: RedisClient) throws -> RedisLock? {
        let token = randomToken()
        guard try client.set(key, token, expireAfter: ttl, condition: .ifAbsent) else { return nil }
        return RedisLock(key: key, token: token, client: client)
    }

    /// Releases the lock; false if it had expired (and may now belong to somebody else).
    @discardableResult
    public func release() throws -> Bool {
        try client.run(Self.releaseScript, keys: [key], arguments: [Array(token.utf8)]).integer == 1
    }

    /// Sets the time left to `ttl`; false if the lock had expired (and may now belong to somebody else).
    @discardableResult
    public func extend(ttl: Duration) throws -> Bool {
        let milliseconds = String(max(1, ttl.roundedUpMilliseconds))
        return try client.run(Self.extendScript, keys: [key],
                              arguments: [Array(token.utf8), Array(milliseconds.utf8)]).integer == 1
    }

    /// 128 bits from the system's cryptographic generator (getrandom(2) on Linux), as hex.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}
