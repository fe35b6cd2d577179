/// Limits, timeouts and sizes of an `HTTPServer`.
public struct HTTPServerConfiguration: Sendable {
    /// Largest header section (431 past it).
    public var maxHeaderBytes: Int = 16384
    /// Most header fields (431 past it).
    public var maxHeaderCount: Int = 100
    /// Longest request line (414 past it).
    public var maxRequestLineBytes: Int = 8192
    /// Largest request body (413 past it).
    public var maxBodyBytes: Int = 64 << 20
    /// Bodies larger than this go to a temporary file instead of memory.
    public var bodyInMemoryThreshold: Int = 1 << 20
    /// Where large bodies are stored while a request is handled.
    public var temporaryDirectory: String = "/tmp"
    /// Time allowed to receive a request head, from the connection's start or the request's first byte.
    public var headerTimeout: Duration = .seconds(10)
    /// Time a keep-alive connection may stay idle between requests.
    public var idleTimeout: Duration = .seconds(60)
    /// Time a body may make no progress.
    public var bodyStallTimeout: Duration = .seconds(30)
    /// Time a response may make no progress because the client does not read it.
    public var sendStallTimeout: Duration = .seconds(60)
    /// While draining, how long an idle connection stays open for a request already on its way.
    public var drainIdleTimeout: Duration = .seconds(1)
    /// Connections open at once, over all loops; more are answered 503 and closed.
    public var maxConnections: Int = 10000
    /// Event loops (threads running epoll).
    public var loops: Int = 2
    /// Threads that run blocking handlers.
    public var workerThreads: Int = 16
    /// How often each loop checks timeouts and reports that it is alive.
    public var tickInterval: Duration = .milliseconds(250)
    /// A loop busy this long without blocking for events yields its core once (zero: never), so that
    /// a thread waiting for that core gets it within this time rather than at the scheduler's next tick
    /// (see `LoopYieldPolicy`).
    public var loopYieldInterval: Duration = .microseconds(500)

    public init() {}

    var parserLimits: HTTPParserLimits {
        var limits = HTTPParserLimits()
        limits.maxHeaderBytes = maxHeaderBytes
        limits.maxHeaderCount = maxHeaderCount
        limits.maxRequestLineBytes = maxRequestLineBytes
        limits.maxBodyBytes = maxBodyBytes
        return limits
    }
}
