import Glibc

/// A region of an open file, sent with `sendfile`. The descriptor belongs to a reference-counted
/// `OpenFile`, so a cached file (see `FileMetadataCache`) stays open while any response still sends it.
public struct HTTPFileRegion {
    public let file: OpenFile
    public let offset: Int
    public let length: Int

    /// The descriptor to send from; valid while this region (or any other holder of `file`) lives.
    @inlinable public var fd: Int32 { file.fd }

    public init(file: OpenFile, offset: Int, length: Int) {
        self.file = file
        self.offset = offset
        self.length = length
    }

    /// Takes ownership of `fd`.
    public init(fd: Int32, offset: Int, length: Int) {
        self.init(file: OpenFile(adopting: fd), offset: offset, length: length)
    }

    /// Opens `path` and covers the whole file; nil if it cannot be opened or is not a regular file.
    public init?(path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        let file = OpenFile(adopting: fd)
        guard let info = FileStat(fd: fd), info.isRegularFile else { return nil }
        self.init(file: file, offset: 0, length: Int(info.size))
    }
}

/// A body produced piece by piece; `next()` runs on a worker thread and may block.
public protocol HTTPBodyStream: AnyObject {
    /// The next piece of the body, or nil at its end.
    func next() throws -> [UInt8]?
}

/// What a response carries after its head.
public enum HTTPResponseBody {
    case empty
    case bytes([UInt8])
    case file(HTTPFileRegion)
    /// Sent with chunked transfer coding (or until close for HTTP/1.0).
    case stream(HTTPBodyStream)

    /// The length when known in advance.
    public var knownLength: Int? {
        switch self {
        case .empty: return 0
        case .bytes(let bytes): return bytes.count
        case .file(let region): return region.length
        case .stream: return nil
        }
    }
}

/// A response: status, headers and body. The server adds Date, Content-Length (or chunked) and Connection.
public struct HTTPResponse {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: HTTPResponseBody

    public init(status: Int = 200, headers: HTTPHeaders = HTTPHeaders(), body: HTTPResponseBody = .empty) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response with a byte body and its content type.
    public init(status: Int = 200, contentType: String, body: [UInt8]) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        self.init(status: status, headers: headers, body: .bytes(body))
    }

    /// A `text/plain; charset=utf-8` response.
    public static func text(_ text: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
    }

    /// An error response with a short plain-text body.
    public static func error(_ status: Int, _ message: String) -> HTTPResponse {
        text("\(status) \(HTTPStatus.reason(status)): \(message)\n", status: status)
    }
}

/// Reason phrases.
public enum HTTPStatus {
    /// The standard reason phrase of `status` (or "Unknown").
    public static func reason(_ status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 101: return "Switching Protocols"
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 204: return "No Content"
        case 206: return "Partial Content"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 303: return "See Other"
        case 304: return "Not Modified"
        case 307: return "Temporary Redirect"
        case 308: return "Permanent Redirect"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 406: return "Not Acceptable"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 410: return "Gone"
        case 411: return "Length Required"
        case 412: return "Precondition Failed"
        case 413: return "Content Too Large"
        case 414: return "URI Too Long"
        case 415: return "Unsupported Media Type"
        case 416: return "Range Not Satisfiable"
        case 417: return "Expectation Failed"
        case 422: return "Unprocessable Content"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        case 505: return "HTTP Version Not Supported"
        default: return "Unknown"
        }
    }
}
