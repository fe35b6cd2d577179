/// Configuration of one static file route, such as `/static/` served from `/usr/share/stockroom/static`.
public struct StaticFileRoute: Sendable {
    /// The URL path prefix, with leading and trailing slash (`/static/`).
    public var prefix: String
    /// The directory served.
    public var root: String
    /// Served for a directory (`index.html`); nil makes directories 404.
    public var indexFile: String?
    public var cacheControl: CacheControlPolicy
    /// Whether `file.br` / `file.gz` siblings are served to clients that accept them.
    public var servePrecompressed: Bool
    /// Files up to this size are kept in memory by the responder's cache and sent with their head in
    /// one write; larger ones are sent with `sendfile`. 0 always uses `sendfile`.
    public var inMemoryFileBytes: Int = StaticFileRoute.defaultInMemoryFileBytes
    public static let defaultInMemoryFileBytes = 16 * 1024

    public init(prefix: String, root: String, indexFile: String? = nil,
                cacheControl: CacheControlPolicy = CacheControlPolicy(), servePrecompressed: Bool = true) {
        self.prefix = prefix
        self.root = root
        self.indexFile = indexFile
        self.cacheControl = cacheControl
        self.servePrecompressed = servePrecompressed
    }
}
