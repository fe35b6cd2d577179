/// Why forwarding a request failed, and the response that says so.
public struct UpstreamFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Connecting, writing or reading failed, or the upstream closed early: 502.
        case unavailable
        /// Connecting or the response took too long: 504.
        case timedOut
        /// The upstream's response is malformed: 502.
        case invalidResponse
        /// The request cannot be forwarded as given: 400.
        case invalidRequest
        /// The body callback asked to stop (the client went away).
        case cancelled
    }

    public let kind: Kind
    /// One line for the client and the log, such as
    /// `upstream unavailable: connect to unix:/run/stockroom/web.sock failed: No such file or directory`.
    public let message: String

    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// The status to answer with.
    public var status: Int {
        switch kind {
        case .timedOut: return 504
        case .invalidRequest: return 400
        case .unavailable, .invalidResponse, .cancelled: return 502
        }
    }

    /// Header fields of the error response (the engine adds `Date` and connection fields).
    public var headers: [(String, String)] {
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", String(body.count)), ("Cache-Control", "no-store")]
    }

    /// The error response's body: the message and a newline.
    public var body: [UInt8] { Array((message + "\n").utf8) }

    /// `upstream unavailable: <what>` (502).
    static func unavailable(_ what: String) -> UpstreamFailure {
        UpstreamFailure(kind: .unavailable, message: "upstream unavailable: " + what)
    }

    /// `upstream timed out: <what>` (504).
    static func timedOut(_ what: String) -> UpstreamFailure {
        UpstreamFailure(kind: .timedOut, message: "upstream timed out: " + what)
    }

    /// `5 s`, `0.5 s`: a timeout as the messages show it.
    static func describe(seconds value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}
