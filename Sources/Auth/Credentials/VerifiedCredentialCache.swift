import Daemon

/// Remembers, for a short time, which HTTP Basic headers were verified for which user, so that a
/// client sending Basic on every request pays for PBKDF2 once per lifetime, not per request.
///
/// The key is SHA-256 over a server secret and the whole header: neither the password nor a
/// digest anyone could test guesses against without the secret is kept. Each entry holds a
/// digest of the stored password hash it was verified against; a changed password has another
/// hash, so the entry no longer matches and the header is verified again.
public final class VerifiedCredentialCache: @unchecked Sendable {
    /// What was verified for one header.
    public struct Entry: Equatable, Sendable {
        public let userID: Int
        public let storedHashDigest: [UInt8]
        let expiresAt: UInt64
    }

    public let lifetime: Duration
    public let capacity: Int
    private let secret: [UInt8]
    private let now: () -> UInt64
    private let lock = Lock()
    private var entries: [String: Entry] = [:]

    /// `now` is a monotonic clock in nanoseconds (injected for tests).
    public init(secret: [UInt8], lifetime: Duration = .seconds(60), capacity: Int = 10_000,
                now: @escaping () -> UInt64 = monotonicNanoseconds) {
        precondition(!secret.isEmpty, "the credential cache needs a server secret")
        self.secret = secret
        self.lifetime = lifetime
        self.capacity = max(capacity, 1)
        self.now = now
    }

    /// The cache key of an `Authorization` header value: hex SHA-256 of secret, a separator and the header.
    public func key(forHeader header: String) -> String {
        Digest.hex(Digest.sha256(secret + [0] + Array(header.utf8)))
    }

    /// The digest kept for a stored password hash.
    public static func digest(ofStoredHash storedHash: String) -> [UInt8] { Digest.sha256(storedHash) }

    /// The user a header was verified for, if that happened less than `lifetime` ago.
    public func lookup(header: String) -> Entry? {
        let key = key(forHeader: header)
        let time = now()
        return lock.withLock {
            guard let entry = entries[key] else { return nil }
            if entry.expiresAt <= time {
                entries[key] = nil
                return nil
            }
            return entry
        }
    }

    /// Whether `entry` still matches the user's current stored hash (false after a password change).
    public static func matches(_ entry: Entry, storedHash: String) -> Bool {
        ConstantTime.equal(entry.storedHashDigest, digest(ofStoredHash: storedHash))
    }

    /// Records that `header` was verified for `userID` against `storedHash`.
    public func remember(header: String, userID: Int, storedHash: String) {
        let key = key(forHeader: header)
        let time = now()
        let entry = Entry(userID: userID, storedHashDigest: Self.digest(ofStoredHash: storedHash),
                          expiresAt: time + lifetime.nanoseconds)
        lock.withLock {
            if entries.count >= capacity { entries = entries.filter { $0.value.expiresAt > time } }
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = entry
        }
    }

    /// Forgets `header` (after it failed against the current hash).
    public func forget(header: String) {
        let key = key(forHeader: header)
        _ = lock.withLock { entries.removeValue(forKey: key) }
    }

    /// Number of entries held, expired ones included until they are looked at.
    public var count: Int { lock.withLock { entries.count } }
}
