import HTTP

/// The routes of `stockroom-web`: InvenTree's REST API under `/api/`, the web interface elsewhere.
public enum APIRoutes {
    /// Every endpoint, DRF's 405 for the methods they lack, then InvenTree's 404 for any other path under `/api/`.
    public static func router(context: APIContext) -> Router {
        let router = APIRouter(context: context)
        ServerInfoEndpoint.register(router, context)
        SessionEndpoints.register(router, context)
        RolesEndpoint.register(router, context)
        TokenEndpoint.register(router, context)
        GroupEndpoints.register(router, context)
        OwnerEndpoints.register(router, context)
        RuleSetEndpoints.register(router, context)
        // Last among the user routes: `/api/user/:pk/` would otherwise take `me`, `roles`, ...
        UserEndpoints.register(router, context)
        PartRoutes.register(router, context)
        StockRoutes.register(router, context)
        CompanyRoutes.register(router, context)
        MetadataEndpoint.register(router, context)
        AttachmentResource.register(router, context)
        BarcodeEndpoints.register(router, context)
        BackgroundTaskEndpoints.register(router, context)
        return router.finish()
    }

    /// InvenTree's answer for a path under /api/ that names no endpoint (`url` is the absolute URL, as Django builds it).
    static func notFound(_ request: HTTPRequest) -> HTTPResponse {
        let url = ClientRequest(request).absoluteURL(path: request.path, query: request.rawQuery)
        return JSONResponse.make(status: 404, ["detail": .string("API endpoint not found"), "url": .string(url)])
    }
}
