/// How an `UpstreamClient` connects, waits and pools.
public struct UpstreamConfiguration: Sendable {
    /// Seconds to establish a connection.
    public var connectTimeout: Double = 5
    /// Seconds from the end of the request to the complete response head.
    public var responseHeadTimeout: Double = 60
    /// Seconds that writing the request, or the body between two reads, may stall.
    public var idleTimeout: Double = 60
    /// Idle keep-alive connections kept; 0 disables reuse.
    public var maxIdleConnections = 32
    /// Seconds an idle connection is kept; keep it below the upstream's own keep-alive timeout.
    public var maxIdleSeconds: Double = 30
    /// Whether to keep the client's `X-Forwarded-For` (appending the client) instead of replacing it.
    public var trustIncomingForwardedFor = false
    public var responseLimits = HTTPResponseHeadParser.Limits()

    public init() {}
}

/// How a forwarded request ended.
public enum UpstreamOutcome: Sendable, Equatable {
    /// The whole response was delivered.
    case completed(UpstreamResponseHead)
    /// Nothing was delivered: answer the client with `failure`'s status, headers and body.
    case failed(UpstreamFailure)
    /// The head (and maybe part of the body) was delivered when forwarding broke: the client's
    /// response cannot be completed, so its connection must be closed.
    case failedAfterHead(UpstreamFailure)
}

/// The start of a forwarded response.
public enum UpstreamReply {
    /// The head arrived; the body is still to be read from `body` (which holds the connection until its end).
    case response(UpstreamResponseHead, UpstreamResponseBody)
    /// No response: answer the client with `failure`'s status, headers and body.
    case failed(UpstreamFailure)
}
