/// Where a handler runs.
public enum HandlerMode: Sendable {
    /// On the event loop itself: only for handlers that never block (static answers, files).
    case inline
    /// On the worker pool: handlers that may block (database, upstream).
    case blocking
}

/// A request handler.
public typealias HTTPHandler = (HTTPRequest) -> HTTPResponse

/// A route: a method, a path pattern and what answers it.
public struct Route {
    enum Segment: Equatable {
        case literal(String)
        case parameter(String)
        /// `*name`: the rest of the path, slashes included (last segment only).
        case rest(String)
    }

    public let method: HTTPMethod
    public let pattern: String
    public let mode: HandlerMode
    /// What answers the request.
    public let handler: HTTPHandler
    let segments: [Segment]
    let trailingSlash: Bool

    init(method: HTTPMethod, pattern: String, mode: HandlerMode, handler: @escaping HTTPHandler) {
        self.method = method
        self.pattern = pattern
        self.mode = mode
        self.handler = handler
        segments = pattern.split(separator: "/").map { part in
            if part.hasPrefix(":") { return .parameter(String(part.dropFirst())) }
            if part.hasPrefix("*") { return .rest(String(part.dropFirst())) }
            return .literal(String(part))
        }
        trailingSlash = pattern.count > 1 && pattern.hasSuffix("/")
    }

    /// The path parameters if the normalised `path` (with or without trailing slash) matches.
    func match(_ path: String, trailingSlash pathHasSlash: Bool) -> [String: String]? {
        let utf8 = path.utf8
        var position = utf8.startIndex
        func skipSlashes() {
            while position < utf8.endIndex && utf8[position] == 0x2F { position = utf8.index(after: position) }
        }
        func nextSegment() -> Range<String.Index>? {
            skipSlashes()
            guard position < utf8.endIndex else { return nil }
            let start = position
            while position < utf8.endIndex && utf8[position] != 0x2F { position = utf8.index(after: position) }
            return start..<position
        }
        var parameters: [String: String] = [:]
        for segment in segments {
            switch segment {
            case .rest(let name):
                skipSlashes()
                parameters[name] = String(path[position...])
                return parameters
            case .literal(let text):
                guard let range = nextSegment(), utf8[range].elementsEqual(text.utf8) else { return nil }
            case .parameter(let name):
                guard let range = nextSegment() else { return nil }
                parameters[name] = String(path[range])
            }
        }
        guard nextSegment() == nil, pathHasSlash == trailingSlash else { return nil }
        return parameters
    }
}

/// What the router found for a request.
public enum RouteMatch {
    case found(Route, parameters: [String: String])
    /// The path exists but not for this method; `allow` lists the methods it has.
    case methodNotAllowed(allow: [HTTPMethod])
    case notFound
}

/// Maps method and path to a handler. Patterns: `/api/part/:pk/` (named segment), `/static/*path` (the rest).
/// A GET route also answers HEAD. Routes are tried in the order they were added.
public final class Router {
    /// The routes, in the order they are tried.
    public private(set) var routes: [Route] = []

    public init() {}

    /// Adds a route.
    public func add(_ method: HTTPMethod, _ pattern: String, mode: HandlerMode = .blocking, _ handler: @escaping HTTPHandler) {
        routes.append(Route(method: method, pattern: pattern, mode: mode, handler: handler))
    }

    /// Adds a GET route (it answers HEAD too).
    public func get(_ pattern: String, mode: HandlerMode = .blocking, _ handler: @escaping HTTPHandler) {
        add(.GET, pattern, mode: mode, handler)
    }

    /// Adds a POST route.
    public func post(_ pattern: String, mode: HandlerMode = .blocking, _ handler: @escaping HTTPHandler) {
        add(.POST, pattern, mode: mode, handler)
    }

    /// Adds a PUT route.
    public func put(_ pattern: String, mode: HandlerMode = .blocking, _ handler: @escaping HTTPHandler) {
        add(.PUT, pattern, mode: mode, handler)
    }

    /// Adds a PATCH route.
    public func patch(_ pattern: String, mode: HandlerMode = .blocking, _ handler: @escaping HTTPHandler) {
        add(.PATCH, pattern, mode: mode, handler)
    }

    /// Adds a DELETE route.
    public func delete(_ pattern: String, mode: HandlerMode = .blocking, _ handler: @escaping HTTPHandler) {
        add(.DELETE, pattern, mode: mode, handler)
    }

    /// Finds the route for `method` and the normalised `path`.
    public func match(method: HTTPMethod, path: String) -> RouteMatch {
        let trailingSlash = path.utf8.count > 1 && path.utf8.last == 0x2F
        var allowed: [HTTPMethod] = []
        var getMatch: (Route, [String: String])?
        for route in routes {
            guard let parameters = route.match(path, trailingSlash: trailingSlash) else { continue }
            if route.method == method { return .found(route, parameters: parameters) }
            if method == .HEAD && route.method == .GET && getMatch == nil { getMatch = (route, parameters) }
            if !allowed.contains(route.method) { allowed.append(route.method) }
        }
        if let (route, parameters) = getMatch { return .found(route, parameters: parameters) }
        if allowed.isEmpty { return .notFound }
        if allowed.contains(.GET) && !allowed.contains(.HEAD) { allowed.append(.HEAD) }
        return .methodNotAllowed(allow: allowed)
    }

    /// Answers `request`: the route's handler, or 404, or 405 with Allow.
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        switch match(method: request.method, path: request.path) {
        case .found(let route, let parameters):
            request.pathParameters = parameters
            return route.handler(request)
        case .methodNotAllowed(let allow):
            var response = HTTPResponse.error(405, "\(request.method) is not allowed on \(request.path)")
            response.headers.add(name: "Allow", value: allow.map(\.rawValue).joined(separator: ", "))
            return response
        case .notFound:
            return HTTPResponse.error(404, "no resource at \(request.path)")
        }
    }
}
