/// One answered request, for the access log.
public struct AccessLogRecord: Sendable {
    public var method: String
    public var path: String
    public var status: Int
    /// Bytes of the response written (head and body).
    public var bytes: Int
    /// From the request's first byte to the response's last.
    public var durationMicroseconds: Int
    public var requestID: String
    public var remoteAddress: String
    /// The event loop that served it.
    public var loop: Int
}
