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

    public init(prefix: String, root: String, indexFile: String? = nil,
                cacheControl: CacheControlPolicy = CacheControlPolicy(), servePrecompressed: Bool = true) {
        self.prefix = prefix
        self.root = root
        self.indexFile = indexFile
        self.cacheControl = cacheControl
        self.servePrecompressed = servePrecompressed
    }
}
