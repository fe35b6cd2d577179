import Daemon
import Postgres

/// The PostgreSQL settings of the configuration.
public struct DatabaseSettings {
    public static let urlKey = "database_url"
    /// Debian's PostgreSQL on its local unix socket, as the `stockroom` user (peer authentication).
    public static let defaultURL = "postgresql:///stockroom"

    public let url: String
    public let maximumConnections: Int

    public init(_ configuration: Configuration) throws {
        url = try configuration.string(Self.urlKey, default: Self.defaultURL)
        maximumConnections = try configuration.int("database_connections", default: 16, range: 1...1000)
    }

    public var poolConfiguration: PostgresPool.Configuration {
        PostgresPool.Configuration(url: url, maximumConnections: maximumConnections)
    }
}
