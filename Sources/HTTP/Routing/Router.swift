/// Where a handler runs.
public enum HandlerMode: Sendable {
    /// On the event loop itself: only for handlers that never block (static answers, files).
    case inline
    /// On the worker pool: handlers that may block (database, upstream).
    case blocking
    /// On the event loop, answering later through an `HTTPResponder` from any thread: for handlers
    /// that wait on non-blocking I/O of their own (the proxy's upstream requests).
    case deferred
}

/// A request handler.
public typealias HTTPHandler = (HTTPRequest) -> HTTPResponse

/// An `.inline` handler that answers from the request head alone (a file server's): the engine then
/// builds no `HTTPRequest` for it.
public typealias HTTPHeadHandler = (HTTPRequestHead) -> HTTPResponse

/// A blocking route's try on the event loop first: it must not block; nil hands the request to the
/// worker pool, where the route's blocking handler answers it.
public typealias HTTPFastPath = (HTTPRequest) -> HTTPResponse?

/// A handler that answers later: called on the event loop, it must not block, and must call
/// `respond` exactly once, from any thread.
public typealias HTTPDeferredHandler = (HTTPRequest, HTTPResponder) -> Void

/// A route: a method, a path pattern and what answers it. A class, so that a match hands over one
/// reference rather than copying every field.
public final class Route {
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
    /// Set for `.deferred` routes; `handler` then waits for it (for callers outside the engine).
    public let deferredHandler: HTTPDeferredHandler?
    /// Set for `.blocking` routes that can often answer without blocking: the engine calls it on the
    /// event loop and runs `handler` on the worker pool only when it returns nil. Callers outside the
    /// engine may call `handler` alone: both must give the same answer.
    public let fastPath: HTTPFastPath?
    /// Set for `.inline` routes that answer from the request head; `handler` then calls it.
    public let headHandler: HTTPHeadHandler?
    let segments: [Segment]
    let trailingSlash: Bool
    /// The names of the `:param` segments, in order.
    let parameterNames: [String]
    /// The name of the `*rest` segment, if the pattern ends with one.
    let restName: String?

    init(method: HTTPMethod, pattern: String, mode: HandlerMode, handler: @escaping HTTPHandler,
         deferredHandler: HTTPDeferredHandler? = nil, fastPath: HTTPFastPath? = nil, headHandler: HTTPHeadHandler? = nil) {
        self.method = method
        self.pattern = pattern
        self.mode = mode
        self.handler = handler
        self.deferredHandler = deferredHandler
        self.fastPath = fastPath
        self.headHandler = headHandler
        segments = pattern.split(separator: "/").map { part in
            if part.hasPrefix(":") { return .parameter(String(part.dropFirst())) }
            if part.hasPrefix("*") { return .rest(String(part.dropFirst())) }
            return .literal(String(part))
        }
        trailingSlash = pattern.count > 1 && pattern.hasSuffix("/")
        var names: [String] = []
        var rest: String?
        for segment in segments {
            if case .parameter(let name) = segment { names.append(name) }
            if case .rest(let name) = segment {
                rest = name
                break
            }
        }
        parameterNames = names
        restName = rest
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
/// A GET route also answers HEAD. When several routes match, the one added first wins; the lookup
/// goes through a segment tree, so its cost does not grow with the number of routes.
public final class Router {
    /// The routes, in the order they were added (which decides between routes that match the same path).
    /// Like the trees, written only while routes are added, before the server runs.
    @exclusivity(unchecked) public private(set) var routes: [Route] = []
    /// One tree per method: a lookup walks only the routes of the request's method.
    @exclusivity(unchecked) private var methodTrees: [(method: HTTPMethod, tree: RouteTree)] = []

    public init() {}

    private func insert(_ route: Route) {
        let index = routes.count
        routes.append(route)
        if let known = methodTrees.first(where: { $0.method == route.method }) {
            known.tree.insert(route.segments, index: index, trailingSlash: route.trailingSlash)
        } else {
            let methodTree = RouteTree()
            methodTree.insert(route.segments, index: index, trailingSlash: route.trailingSlash)
            methodTrees.append((route.method, methodTree))
        }
    }

    private func firstMatch(method: HTTPMethod, path: String) -> RouteTree.Candidate? {
        for entry in methodTrees where entry.method == method { return entry.tree.firstMatch(path) }
        return nil
    }

    /// Adds a route.
    public func add(_ method: HTTPMethod, _ pattern: String, mode: HandlerMode = .blocking, _ handler: @escaping HTTPHandler) {
        insert(Route(method: method, pattern: pattern, mode: mode, handler: handler))
    }

    /// Adds a `.blocking` route that first tries `fast` on the event loop: a response from it is sent at
    /// once, nil sends the request to the worker pool to be answered by `blocking`.
    public func add(_ method: HTTPMethod, _ pattern: String, fast: @escaping HTTPFastPath, blocking: @escaping HTTPHandler) {
        insert(Route(method: method, pattern: pattern, mode: .blocking, handler: blocking, fastPath: fast))
    }

    /// Adds an `.inline` route answered from the request head alone (it must not block).
    public func addHeadOnly(_ method: HTTPMethod, _ pattern: String, _ handler: @escaping HTTPHeadHandler) {
        let fromRequest: HTTPHandler = { request in
            handler(HTTPRequestHead(method: request.method, target: request.target, version: request.version, headers: request.headers))
        }
        insert(Route(method: method, pattern: pattern, mode: .inline, handler: fromRequest, headHandler: handler))
    }

    /// Adds a route answered through an `HTTPResponder` (mode `.deferred`).
    public func addDeferred(_ method: HTTPMethod, _ pattern: String, _ handler: @escaping HTTPDeferredHandler) {
        let waiting: HTTPHandler = { request in
            let answer = HTTPResponder.Waiter()
            handler(request, HTTPResponder { answer.deliver($0) })
            return answer.wait()
        }
        insert(Route(method: method, pattern: pattern, mode: .deferred, handler: waiting, deferredHandler: handler))
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

    /// What `lookup` found: as `RouteMatch`, with the parameters still to be read from the path.
    enum Lookup {
        case found(Route, RouteTree.Candidate)
        case methodNotAllowed(allow: [HTTPMethod])
        case notFound
    }

    /// Finds the route for `method` and the normalised `path`.
    public func match(method: HTTPMethod, path: String) -> RouteMatch {
        switch lookup(method: method, path: path) {
        case .found(let route, let candidate): return .found(route, parameters: parameters(of: candidate, in: path))
        case .methodNotAllowed(let allow): return .methodNotAllowed(allow: allow)
        case .notFound: return .notFound
        }
    }

    /// `match` without building the parameters, which the engine reads only if a handler asks.
    func lookup(method: HTTPMethod, path: String) -> Lookup {
        // The first route added wins: the lowest index for the method (else, for HEAD, for GET).
        if let chosen = firstMatch(method: method, path: path) ?? (method == .HEAD ? firstMatch(method: .GET, path: path) : nil) {
            return .found(routes[chosen.index], chosen)
        }
        // The methods the path has, in the order of each one's first matching route.
        let matching = methodTrees.compactMap { entry in entry.tree.firstMatch(path).map { (index: $0.index, method: entry.method) } }
        if matching.isEmpty { return .notFound }
        var allowed = matching.sorted { $0.index < $1.index }.map(\.method)
        if allowed.contains(.GET) && !allowed.contains(.HEAD) { allowed.append(.HEAD) }
        return .methodNotAllowed(allow: allowed)
    }

    /// Every method some route answers, in the order first added, with HEAD where GET is and OPTIONS.
    public var methods: [HTTPMethod] {
        var methods: [HTTPMethod] = []
        for route in routes where !methods.contains(route.method) { methods.append(route.method) }
        if methods.contains(.GET) && !methods.contains(.HEAD) { methods.append(.HEAD) }
        if !methods.contains(.OPTIONS) { methods.append(.OPTIONS) }
        return methods
    }

    /// The answer to `OPTIONS *` (a question about the server, not a resource): 200 with `Allow`.
    public func serverOptionsResponse() -> HTTPResponse {
        var response = HTTPResponse(status: 200)
        response.headers.add(name: "Allow", value: methods.map(\.rawValue).joined(separator: ", "))
        return response
    }

    func parameters(of candidate: RouteTree.Candidate, in path: String) -> [String: String] {
        let route = routes[candidate.index]
        let utf8 = path.utf8
        // The ranges are UTF-8 offsets that start and end at a slash or at an end of the path.
        func text(_ range: Range<Int>) -> String {
            let start = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
            return String(path[start..<utf8.index(start, offsetBy: range.count)])
        }
        var parameters: [String: String] = [:]
        for (name, range) in zip(route.parameterNames, candidate.parameters) { parameters[name] = text(range) }
        if let name = route.restName, let range = candidate.rest { parameters[name] = text(range) }
        return parameters
    }

    /// Answers `request`: the route's handler, or 404, or 405 with Allow (and `OPTIONS *` itself).
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        if request.target == "*" { return serverOptionsResponse() }
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
