import HTTP

/// The routes of `stockroom-web`: InvenTree's REST API under `/api/`, the web interface elsewhere.
public enum APIRoutes {
    public static func router() -> Router {
        let router = Router()
        router.add(.GET, "/api/*rest", mode: .inline) { notFound($0) }
        for method in [HTTPMethod.POST, .PUT, .PATCH, .DELETE, .OPTIONS] {
            router.add(method, "/api/*rest", mode: .inline) { notFound($0) }
        }
        return router
    }

    /// InvenTree's answer for a path under /api/ that names no endpoint.
    static func notFound(_ request: HTTPRequest) -> HTTPResponse {
        JSONResponse.make(status: 404, ["detail": .string("API endpoint not found"), "url": .string(request.path)])
    }
}
