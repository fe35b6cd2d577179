/// Why an upstream response could not be read.
public enum UpstreamParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The connection ended before a single byte of a response.
    case closedBeforeResponse
    /// The connection ended inside the head or the body.
    case truncated(String)
    /// The bytes are not a valid HTTP/1.1 response (or one we refuse to read two ways).
    case invalid(String)
    /// A size limit was exceeded.
    case tooLarge(String)

    public var description: String {
        switch self {
        case .closedBeforeResponse: return "the connection closed before a response arrived"
        case .truncated(let what): return "the connection closed \(what)"
        case .invalid(let what): return "invalid response: \(what)"
        case .tooLarge(let what): return "response too large: \(what)"
        }
    }
}
