/// What the response parser found in the bytes fed to it.
public enum UpstreamResponseEvent: Equatable, Sendable {
    /// The final response head (interim 1xx responses other than 101 are skipped).
    case head(UpstreamResponseHead)
    /// A piece of the body, with any chunked framing removed.
    case body([UInt8])
    /// The response is complete.
    case end
}
