import Daemon

/// Answers GET and HEAD for files of one static route: path safety, content type, validators,
/// conditional requests, ranges, precompressed siblings and caching headers, all decided here; the
/// engine only writes the result (and `sendfile`s the file region).
public final class StaticFileResponder: Sendable {
    public let route: StaticFileRoute
    private let resolver: StaticFileResolver
    private let cache: FileMetadataCache?

    /// Opens the route's root; throws `StaticFileRefusal.failed` if it cannot.
    public init(route: StaticFileRoute, cache: FileMetadataCache? = FileMetadataCache(),
                strategy: StaticFileResolver.Strategy? = nil) throws {
        self.route = route
        self.cache = cache
        resolver = try StaticFileResolver(root: route.root, indexFile: route.indexFile, strategy: strategy)
    }

    /// The response for `method` and the raw (percent-encoded) request target `rawPath`.
    /// `header` returns a request header's value by lowercase name, repeated fields joined with ", ".
    /// `now` is monotonic seconds (see Daemon's `monotonicSeconds()`), used only to revalidate the cache.
    public func respond(method: String, rawPath: String, header: @escaping (String) -> String?,
                        now: Double = monotonicSeconds()) -> StaticFileResponse {
        respond(method: method, rawPath: rawPath, fields: StaticFileRequestFields(value: header), now: now)
    }

    /// `respond(method:rawPath:header:now:)` for a request's header fields.
    public func respond(method: String, rawPath: String, headers: HTTPHeaders,
                        now: Double = monotonicSeconds()) -> StaticFileResponse {
        respond(method: method, rawPath: rawPath, fields: StaticFileRequestFields(headers), now: now)
    }

    private func respond(method: String, rawPath: String, fields: StaticFileRequestFields, now: Double) -> StaticFileResponse {
        let isHead = method == "HEAD"
        guard isHead || method == "GET" else {
            return Self.plain(405, "method not allowed\n", isHead: false, extra: [("Allow", "GET, HEAD")])
        }
        let relativePath: String
        switch StaticPathDecoder.relativePath(rawPath: rawPath, prefix: route.prefix) {
        case .success(let path): relativePath = path
        case .failure(let refusal): return Self.refused(refusal, isHead: isHead)
        }
        // A local function, not a closure value: a closure stored in a constant costs an allocation per request.
        func load() -> Result<StaticFileEntry, StaticFileRefusal> {
            StaticFileEntry.load(relativePath, resolver: resolver, withSiblings: route.servePrecompressed,
                                 cachePolicy: route.cacheControl, inMemoryLimit: route.inMemoryFileBytes)
        }
        let entry: StaticFileEntry
        switch cache?.entry(for: relativePath, now: now, load: load) ?? load() {
        case .success(let loaded): entry = loaded
        case .failure(let refusal): return Self.refused(refusal, isHead: isHead)
        }
        return respond(entry, isHead: isHead, header: fields)
    }

    private func respond(_ entry: StaticFileEntry, isHead: Bool, header: StaticFileRequestFields) -> StaticFileResponse {
        let coding = entry.precompressed.isEmpty
            ? nil : AcceptEncoding.preferred(header("accept-encoding", .acceptEncoding), available: entry.precompressed.map(\.coding))
        let variant = coding.flatMap { entry.variant(for: $0) } ?? entry.identity
        // Fields that cannot matter are not looked up (If-Unmodified-Since without If-Match, ...).
        let ifMatch = header("if-match", .ifMatch)
        let ifNoneMatch = header("if-none-match", .ifNoneMatch)
        let range = isHead ? nil : header("range", .range)
        let conditions = ConditionalHeaders(
            ifMatch: ifMatch, ifNoneMatch: ifNoneMatch,
            ifModifiedSince: ifNoneMatch == nil ? header("if-modified-since", .ifModifiedSince) : nil,
            ifUnmodifiedSince: ifMatch == nil ? header("if-unmodified-since", .ifUnmodifiedSince) : nil,
            range: range, ifRange: range == nil ? nil : header("if-range", .ifRange))
        let size = variant.stat.size

        switch ConditionalRequest.evaluate(conditions, isHead: isHead, etag: variant.etag,
                                           lastModified: variant.stat.modifiedSeconds, size: size) {
        case .notModified:
            return StaticFileResponse(status: 304, headers: variant.notModifiedHeaders, body: .none)
        case .preconditionFailed:
            var headers = HTTPHeaders([("Content-Length", "0")])
            for field in variant.notModifiedHeaders { headers.add(name: field.name, value: field.value) }
            return StaticFileResponse(status: 412, headers: headers, body: .none)
        case .rangeNotSatisfiable:
            var headers = HTTPHeaders([("Content-Length", "0"), ("Content-Range", "bytes */\(size)")])
            for field in variant.notModifiedHeaders { headers.add(name: field.name, value: field.value) }
            return StaticFileResponse(status: 416, headers: headers, body: .none)
        case .full:
            let body: StaticFileBody
            if isHead {
                body = .none
            } else if let contents = variant.contents {
                body = .bytes(contents)
            } else {
                body = .file(variant.file, offset: 0, length: size)
            }
            return StaticFileResponse(status: 200, headers: variant.fullHeaders, body: body)
        case .partial(let offset, let length):
            var headers = HTTPHeaders()
            for field in variant.fullHeaders {
                switch field.name {
                case "Content-Length":
                    headers.add(name: "Content-Length", value: String(length))
                    headers.add(name: "Content-Range", value: ByteRange.contentRange(offset: offset, length: length, size: size))
                default:
                    headers.add(name: field.name, value: field.value)
                }
            }
            return StaticFileResponse(status: 206, headers: headers, body: .file(variant.file, offset: offset, length: length))
        }
    }

    private static func refused(_ refusal: StaticFileRefusal, isHead: Bool) -> StaticFileResponse {
        let text: String
        switch refusal {
        case .notFound: text = "not found\n"
        case .forbidden: text = "forbidden\n"
        case .badPath(let reason): text = "bad path: \(reason)\n"
        case .failed: text = "internal error while opening the file\n"
        }
        var response = plain(refusal.status, text, isHead: isHead)
        response.refusal = refusal
        return response
    }

    private static func plain(_ status: Int, _ text: String, isHead: Bool,
                              extra: [(String, String)] = []) -> StaticFileResponse {
        let bytes = Array(text.utf8)
        return StaticFileResponse(
            status: status,
            headers: HTTPHeaders([("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", String(bytes.count))] + extra),
            body: isHead ? .none : .bytes(bytes))
    }
}
