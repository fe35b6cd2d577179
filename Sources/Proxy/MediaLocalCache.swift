import Auth
import Daemon
import Glibc

/// A per-process cache in front of the Redis/PostgreSQL lookups of `/media/` requests, for a few seconds:
/// file owners by path, and signed-in identities by a SHA-256 of the credential (header or session cookie;
/// the secret itself is never kept). Only successes are kept, so a failed login is checked every time.
/// A revoked token or a changed role takes effect in this process within `identityLifetime`.
public final class MediaLocalCache: @unchecked Sendable {
    public let ownerLifetime: Double
    public let identityLifetime: Double
    /// Entries per map; a full map is emptied (the cache only saves work, it never decides).
    public let capacity: Int
    private let lock = Lock()
    private var owners: [String: (tables: [String], expires: Double)] = [:]
    private var identities: [[UInt8]: (identity: Identity, expires: Double)] = [:]

    public init(ownerLifetime: Double = 10, identityLifetime: Double = 2, capacity: Int = 10_000) {
        self.ownerLifetime = ownerLifetime
        self.identityLifetime = identityLifetime
        self.capacity = capacity
    }

    /// The owners of `path`, from the cache or `load`.
    public func owners(of path: String, load: () throws -> [String]) rethrows -> [String] {
        if let tables = cachedOwners(of: path) { return tables }
        let now = monotonicSeconds()
        let tables = try load()
        if !tables.isEmpty {
            lock.withLock {
                if owners.count >= capacity { owners.removeAll(keepingCapacity: true) }
                owners[path] = (tables, now + ownerLifetime)
            }
        }
        return tables
    }

    /// The owners of `path` if the cache holds them, never loading them (for the event loop).
    public func cachedOwners(of path: String) -> [String]? {
        let now = monotonicSeconds()
        guard let entry = lock.withLock({ owners[path] }), entry.expires > now else { return nil }
        return entry.tables
    }

    /// The identity signed in with `credential` if the cache holds it, never authenticating (for the event loop).
    public func cachedIdentity(credential: String) -> Identity? {
        let key = Digest.sha256(credential)
        let now = monotonicSeconds()
        guard let entry = lock.withLock({ identities[key] }), entry.expires > now else { return nil }
        return entry.identity
    }

    /// The outcome of authenticating `credential` (nil: anonymous, not cached), from the cache or `load`.
    public func identity(credential: String?, load: () throws -> AuthOutcome) rethrows -> AuthOutcome {
        guard let credential else { return try load() }
        if let identity = cachedIdentity(credential: credential) { return .authenticated(identity) }
        let key = Digest.sha256(credential)
        let now = monotonicSeconds()
        let outcome = try load()
        if case .authenticated(let identity) = outcome {
            lock.withLock {
                if identities.count >= capacity { identities.removeAll(keepingCapacity: true) }
                identities[key] = (identity, now + identityLifetime)
            }
        }
        return outcome
    }
}
