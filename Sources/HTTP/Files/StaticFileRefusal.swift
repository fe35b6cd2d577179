/// Why a static file request gets no file.
public enum StaticFileRefusal: Error, Equatable, Sendable {
    /// No such file (or a directory without an index file): 404.
    case notFound
    /// The file exists but may not be served (a symlink leaving the root, a device, a dot file): 403.
    case forbidden
    /// The request path itself is malformed or dangerous (`..`, encoded slash, NUL, ...): 400.
    case badPath(String)
    /// The file system failed in a way the client cannot fix (out of descriptors, I/O error): 500.
    case failed(String)

    /// The HTTP status this refusal answers with.
    public var status: Int {
        switch self {
        case .notFound: return 404
        case .forbidden: return 403
        case .badPath: return 400
        case .failed: return 500
        }
    }
}
