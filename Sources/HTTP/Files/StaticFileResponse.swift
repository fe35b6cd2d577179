/// The body of a static file response.
public enum StaticFileBody: Sendable {
    case none
    case bytes([UInt8])
    /// `length` bytes of `file` from `offset`, to be sent with `sendfile`. Keep `file` alive until sent.
    case file(OpenFile, offset: Int64, length: Int64)
}

/// The complete answer of the static file responder, for the engine to write.
/// The engine adds `Date` and connection headers; `Content-Length` is set here whenever a body is allowed.
public struct StaticFileResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: StaticFileBody
    /// Why no file was served (for the access log), nil when one was.
    public var refusal: StaticFileRefusal?

    public init(status: Int, headers: HTTPHeaders, body: StaticFileBody, refusal: StaticFileRefusal? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.refusal = refusal
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? { headers[name] }
}

extension HTTPResponse {
    /// The engine's response for a static file answer; the header fields are moved, not copied,
    /// and the file region shares the cached descriptor.
    public init(_ response: StaticFileResponse) {
        let body: HTTPResponseBody
        switch response.body {
        case .none: body = .empty
        case .bytes(let bytes): body = .bytes(bytes)
        case .file(let file, let offset, let length): body = .file(HTTPFileRegion(file: file, offset: Int(offset), length: Int(length)))
        }
        self.init(status: response.status, headers: response.headers, body: body)
    }
}

// Header fields are plain values (byte arrays and offsets); cached entries share them across threads.
extension HTTPHeaders: @unchecked Sendable {}
