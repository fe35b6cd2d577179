import Auth
import Daemon
import Postgres
import Redis

/// What to do with a `/media/` request once its owner and its user are known.
public enum MediaDecision: Equatable, Sendable {
    /// Serve the file; `asAttachment` adds `Content-Disposition: attachment`.
    case serve(asAttachment: Bool)
    /// No record owns the path: 404 for everyone.
    case notFound
    /// No credentials, or bad ones (the detail says which).
    case unauthorized(String)
    /// Signed in, but the role does not open the owning record.
    case forbidden

    /// Decides from the owner tables of the file and the outcome of authentication.
    public static func decide(path: String, owners: [String], authentication: AuthOutcome) -> MediaDecision {
        guard !owners.isEmpty else { return .notFound }
        switch authentication {
        case .anonymous: return .unauthorized(AuthFailure.notProvided.detail)
        case .failed(let failure): return .unauthorized(failure.detail)
        case .authenticated(let identity):
            guard owners.contains(where: { identity.permissions.has(table: $0, .view) }) else { return .forbidden }
            return .serve(asAttachment: !isInlineImage(path))
        }
    }

    /// Raster images are shown inline; everything else (SVG included, which can carry script) is a download.
    public static func isInlineImage(_ path: String) -> Bool {
        let utf8 = path.utf8
        guard let dot = utf8.lastIndex(of: UInt8(ascii: ".")), !utf8[dot...].contains(UInt8(ascii: "/")) else { return false }
        let suffix = utf8[utf8.index(after: dot)...]
        return inlineImageSuffixes.contains { $0.count == suffix.count && zip($0, suffix).allSatisfy { $0 == $1 | 0x20 } }
    }

    /// The extensions of `isInlineImage`, lower case (compared with the path's letters folded to lower case).
    private static let inlineImageSuffixes: [[UInt8]] = ["jpg", "jpeg", "png", "gif", "webp", "bmp", "avif", "ico"].map { Array($0.utf8) }
}

/// Everything the proxy needs to authorize media: who the request is from, and what owns the file.
public struct MediaAccess: Sendable {
    public let authenticator: Authenticator
    public let owners: MediaOwnerLookup
    /// Seconds-long memory of both answers in this process.
    public let cache: MediaLocalCache

    public init(authenticator: Authenticator, owners: MediaOwnerLookup, cache: MediaLocalCache = MediaLocalCache()) {
        self.authenticator = authenticator
        self.owners = owners
        self.cache = cache
    }
}

extension MediaAccess {
    /// The daemon's media access: the authenticator of the configuration (secret, lifetimes) and the
    /// owner lookup, both on `pool` with `redis` as their cache.
    public init(pool: PostgresPool, redis: RedisPool?, configuration: Configuration, log: ((String) -> Void)? = nil) throws {
        self.init(authenticator: Authenticator(pool: pool, redis: redis, settings: try AuthSettings(configuration), log: log),
                  owners: MediaOwnerLookup(pool: pool, redis: redis))
    }
}
