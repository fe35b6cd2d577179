import Daemon
import HTTP

/// What stockroom-proxy serves and where it forwards, from the configuration.
public struct ProxySettings {
    /// Key of the directory served at `/static/`.
    public static let staticRootKey = "static_root"
    /// Key of stockroom-web's unix socket.
    public static let webSocketKey = "web_socket"
    public static let defaultStaticRoot = "/usr/share/stockroom/static"
    public static let defaultWebSocket = "/run/stockroom/web.sock"

    /// The directory served at `/static/`.
    public var staticRoot: String
    /// Where every other request goes.
    public var upstream: UpstreamAddress
    /// Timeouts and pooling of the connections to the upstream.
    public var upstreamConfiguration: UpstreamConfiguration
    /// `Cache-Control` of static files (fingerprinted names are cached for a year).
    public var cacheControl: CacheControlPolicy

    public init(staticRoot: String, upstream: UpstreamAddress,
                upstreamConfiguration: UpstreamConfiguration = ProxySettings.defaultUpstreamConfiguration,
                cacheControl: CacheControlPolicy = CacheControlPolicy()) {
        self.staticRoot = staticRoot
        self.upstream = upstream
        self.upstreamConfiguration = upstreamConfiguration
        self.cacheControl = cacheControl
    }

    /// Reads `static_root` and `web_socket` (a socket path, `unix:/path` or `host:port`).
    public init(_ configuration: Configuration) throws {
        let root = try configuration.string(Self.staticRootKey, default: Self.defaultStaticRoot)
        let upstream = try configuration.parsed(
            Self.webSocketKey, default: .unix(path: Self.defaultWebSocket),
            expected: "a unix socket path (/run/stockroom/web.sock, unix:/path) or host:port",
            parse: ProxySettings.upstreamAddress)
        self.init(staticRoot: root, upstream: upstream)
    }

    /// Pool as many idle upstream connections as the proxy's clients keep busy, as nginx's `keepalive 64`.
    public static var defaultUpstreamConfiguration: UpstreamConfiguration {
        var configuration = UpstreamConfiguration()
        configuration.maxIdleConnections = 64
        return configuration
    }

    /// A bare absolute path is a unix socket; anything else goes through `UpstreamAddress.parse`.
    static func upstreamAddress(_ text: String) -> UpstreamAddress? {
        if text.hasPrefix("/") { return .unix(path: text) }
        return try? UpstreamAddress(parsing: text)
    }
}
