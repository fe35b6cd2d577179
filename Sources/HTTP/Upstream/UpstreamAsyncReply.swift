/// How a request sent with `UpstreamClient.send(_:wholeBodyLimit:completion:)` ended.
public enum UpstreamAsyncReply {
    /// The whole response: its body had a length within the limit (or there was none).
    case complete(UpstreamResponseHead, [UInt8])
    /// The head; the (larger, chunked or close-delimited) body is still on the connection, to be
    /// pulled with `next()` from a thread that may block.
    case streaming(UpstreamResponseHead, UpstreamResponseBody)
    /// No response: answer the client with `failure`'s status, headers and body.
    case failed(UpstreamFailure)
}
