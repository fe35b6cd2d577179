/// The body of a static file response.
public enum StaticFileBody: Sendable {
    case none
    case bytes([UInt8])
    /// `length` bytes of `file` from `offset`, to be sent with `sendfile`. Keep `file` alive until sent.
    case file(OpenFile, offset: Int64, length: Int64)
}

/// The complete answer of the static file responder, for the engine to write.
/// The engine adds `Date`, `Server` and connection headers.
public struct StaticFileResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: StaticFileBody
    /// Why no file was served (for the access log), nil when one was.
    public var refusal: StaticFileRefusal?

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.0.lowercased() == wanted }?.1
    }
}
