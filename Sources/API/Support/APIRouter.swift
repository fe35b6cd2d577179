import HTTP

/// Registers API endpoints on the engine's router and, once all are in, answers the methods a path
/// does not have with DRF's 405 (after authentication, as DRF does) and any other `/api/` path with
/// InvenTree's 404.
final class APIRouter {
    let router = Router()
    let context: APIContext
    private var patterns: [(pattern: String, methods: [HTTPMethod], access: Endpoint.Access)] = []

    init(context: APIContext) { self.context = context }

    /// An endpoint behind authentication (`access`) with InvenTree's error bodies.
    func add(_ method: HTTPMethod, _ pattern: String, _ access: Endpoint.Access,
             _ body: @escaping (APICall) throws -> HTTPResponse) {
        raw(method, pattern, access, Endpoint.handler(context, access, body))
    }

    func get(_ pattern: String, _ access: Endpoint.Access = .authenticated,
             _ body: @escaping (APICall) throws -> HTTPResponse) {
        add(.GET, pattern, access, body)
    }

    /// A handler that does its own authentication (allauth's endpoints).
    func raw(_ method: HTTPMethod, _ pattern: String, _ access: Endpoint.Access, _ handler: @escaping HTTPHandler) {
        router.add(method, pattern, handler)
        if let index = patterns.firstIndex(where: { $0.pattern == pattern }) {
            patterns[index].methods.append(method)
        } else {
            patterns.append((pattern, [method], access))
        }
    }

    /// Adds the 405 answers and the `/api/` catch-all; returns the finished router.
    func finish() -> Router {
        for (pattern, methods, access) in patterns {
            var allowed = methods.map(\.rawValue)
            if methods.contains(.GET) { allowed.append("HEAD") }
            for method in [HTTPMethod.GET, .POST, .PUT, .PATCH, .DELETE] where !methods.contains(method) {
                router.add(method, pattern, Endpoint.handler(context, access) { call in
                    var response = APIError(status: 405, detail: "Method \"\(call.request.method.rawValue)\" not allowed.").response
                    response.headers.add(name: "Allow", value: allowed.joined(separator: ", "))
                    return response
                })
            }
        }
        for method in [HTTPMethod.GET, .POST, .PUT, .PATCH, .DELETE, .OPTIONS] {
            router.add(method, "/api/*rest", mode: .inline) { APIRoutes.notFound($0) }
        }
        return router
    }
}
