import Daemon
import HTTP

/// What stockroom-proxy serves and where it forwards, from the configuration.
public struct ProxySettings {
    /// Key of the directory served at `/static/`.
    public static let staticRootKey = "static_root"
    /// Key of stockroom-web's unix socket.
    public static let webSocketKey = "web_socket"
    /// Key of the directory served at `/media/` (shared with stockroom-web and the importer).
    public static let mediaRootKey = "media_root"
    public static let defaultStaticRoot = "/usr/share/stockroom/static"
    public static let defaultMediaRoot = "/var/lib/stockroom/media"
    public static let defaultWebSocket = "/run/stockroom/web.sock"

    /// The directory served at `/static/`.
    public var staticRoot: String
    /// The directory served at `/media/` to users allowed to see each file's owner.
    public var mediaRoot: String
    /// `Cache-Control` of media files: private, revalidated (who may see them can change).
    public var mediaCacheControl = CacheControlPolicy(fingerprinted: "private, no-cache", standard: "private, no-cache")
    /// Where every other request goes.
    public var upstream: UpstreamAddress
    /// Timeouts and pooling of the connections to the upstream.
    public var upstreamConfiguration: UpstreamConfiguration
    /// `Cache-Control` of static files (fingerprinted names are cached for a year).
    public var cacheControl: CacheControlPolicy

    public init(staticRoot: String, mediaRoot: String = ProxySettings.defaultMediaRoot, upstream: UpstreamAddress,
                upstreamConfiguration: UpstreamConfiguration = ProxySettings.defaultUpstreamConfiguration,
                cacheControl: CacheControlPolicy = CacheControlPolicy()) {
        self.staticRoot = staticRoot
        self.mediaRoot = mediaRoot
        self.upstream = upstream
        self.upstreamConfiguration = upstreamConfiguration
        self.cacheControl = cacheControl
    }

    /// Reads `static_root`, `media_root` and `web_socket` (a socket path, `unix:/path` or `host:port`).
    public init(_ configuration: Configuration) throws {
        let root = try configuration.string(Self.staticRootKey, default: Self.defaultStaticRoot)
        let mediaRoot = try configuration.string(Self.mediaRootKey, default: Self.defaultMediaRoot)
        let upstream = try configuration.parsed(
            Self.webSocketKey, default: .unix(path: Self.defaultWebSocket),
            expected: "a unix socket path (/run/stockroom/web.sock, unix:/path) or host:port",
            parse: ProxySettings.upstreamAddress)
        self.init(staticRoot: root, mediaRoot: mediaRoot, upstream: upstream)
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
