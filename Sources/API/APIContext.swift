import Auth
import Daemon
import Postgres
import Redis

/// What the API's handlers need: the database, Redis, the authenticator, settings and the logger.
public final class APIContext: @unchecked Sendable {
    public let pool: PostgresPool
    public let redis: RedisPool?
    public let configuration: Configuration
    public let logger: Logger
    public let authenticator: Authenticator
    public let server: ServerSettings
    /// Where uploads are written (`media_root`, shared with stockroom-proxy which serves them).
    public var mediaRoot: String
    /// Rendered rows of list and detail GETs, valid for the data version their readers see (`row_cache_bytes`).
    let rowCache: RowCache?

    public init(pool: PostgresPool, redis: RedisPool?, configuration: Configuration, logger: Logger,
                serverVersion: String) throws {
        self.pool = pool
        self.redis = redis
        self.configuration = configuration
        self.logger = logger
        let settings = try AuthSettings(configuration)
        authenticator = Authenticator(pool: pool, redis: redis, settings: settings, log: { logger.warning($0) })
        server = try ServerSettings(configuration, version: serverVersion)
        mediaRoot = try configuration.string("media_root", default: "/var/lib/stockroom/media")
        let rowCacheBytes = try configuration.byteSize("row_cache_bytes", default: 64 << 20)
        rowCache = rowCacheBytes > 0 ? RowCache(capacity: rowCacheBytes) : nil
    }

    /// For tests: explicit authentication settings.
    public init(pool: PostgresPool, redis: RedisPool?, configuration: Configuration, logger: Logger,
                serverVersion: String, authSettings: AuthSettings) throws {
        self.pool = pool
        self.redis = redis
        self.configuration = configuration
        self.logger = logger
        authenticator = Authenticator(pool: pool, redis: redis, settings: authSettings, log: { logger.warning($0) })
        server = try ServerSettings(configuration, version: serverVersion)
        mediaRoot = try configuration.string("media_root", default: "/var/lib/stockroom/media")
        let rowCacheBytes = try configuration.byteSize("row_cache_bytes", default: 64 << 20)
        rowCache = rowCacheBytes > 0 ? RowCache(capacity: rowCacheBytes) : nil
    }
}
