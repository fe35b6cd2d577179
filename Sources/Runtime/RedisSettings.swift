import Daemon
import Redis

/// The Redis settings of the configuration.
public struct RedisSettings {
    public static let urlKey = "redis_url"
    /// Debian's redis-server as installed.
    public static let defaultURL = "redis://127.0.0.1:6379/0"

    public let address: RedisAddress
    public let maximumConnections: Int

    public init(_ configuration: Configuration) throws {
        address = try configuration.parsed(
            Self.urlKey, default: try? RedisAddress(url: Self.defaultURL),
            expected: "redis://[:password@]host:port[/db] or unix:///path/to/socket[?db=N]",
            parse: { try? RedisAddress(url: $0) })
        maximumConnections = try configuration.int("redis_connections", default: 16, range: 1...1000)
    }

    public var poolConfiguration: RedisPool.Configuration {
        var configuration = RedisPool.Configuration(address: address)
        configuration.maxConnections = maximumConnections
        return configuration
    }
}
