import Daemon
import HTTP

/// stockroom-proxy's routes: `/static/` from the static root on the event loop, `/media/` refused
/// until per-object authorization exists, and everything else forwarded to stockroom-web.
public final class ProxyRoutes {
    /// Methods passed to the upstream. TRACE and CONNECT are not: the router answers them 405.
    public static let forwardedMethods: [HTTPMethod] = [.GET, .HEAD, .POST, .PUT, .PATCH, .DELETE, .OPTIONS]

    public let router: Router
    /// The static file responder; nil if the static root could not be opened (then `/static/` is 404).
    public let files: StaticFileResponder?
    public let forwarder: UpstreamForwarder

    /// Builds the routes. A static root that cannot be opened is reported through `warn` and leaves
    /// `/static/` answering 404, so the rest of the site keeps working.
    public init(settings: ProxySettings, warn: (String) -> Void = { _ in }) {
        let route = StaticFileRoute(prefix: "/static/", root: settings.staticRoot, cacheControl: settings.cacheControl)
        var files: StaticFileResponder?
        do {
            files = try StaticFileResponder(route: route)
        } catch {
            warn("cannot serve /static/ from \(settings.staticRoot) (\(ProxySettings.staticRootKey)): \(error); answering 404 there")
        }
        self.files = files
        forwarder = UpstreamForwarder(client: UpstreamClient(address: settings.upstream, configuration: settings.upstreamConfiguration))
        router = Router()

        let staticFiles: HTTPHandler = { [files] request in
            guard let files else { return StaticFileHandling.unavailable(request) }
            return StaticFileHandling.respond(files, to: request)
        }
        let forwarder = self.forwarder
        for method in Self.forwardedMethods {
            router.add(method, "/static/*path", mode: .inline, staticFiles)
            router.add(method, "/media/*path", mode: .inline, MediaRefusal.respond)
        }
        for method in Self.forwardedMethods {
            router.add(method, "/*path", mode: .blocking, forwarder.respond(to:))
        }
    }
}

/// How a static request reaches the responder.
enum StaticFileHandling {
    static func respond(_ files: StaticFileResponder, to request: HTTPRequest) -> HTTPResponse {
        let target = request.target
        let rawPath = target.firstIndex(of: "?").map { target[..<$0] }.map(String.init) ?? target
        let headers = request.headers
        return HTTPResponse(files.respond(method: request.method.rawValue, rawPath: rawPath, header: { headers[$0] }))
    }

    static func unavailable(_ request: HTTPRequest) -> HTTPResponse {
        HTTPResponse.error(404, "no static files are served here")
    }
}

/// `/media/` is refused until the API can authorize each object.
enum MediaRefusal {
    static let body = Array(#"{"detail": "Media files are not served yet: they need per-object authorization."}"#.utf8)

    static func respond(_ request: HTTPRequest) -> HTTPResponse {
        HTTPResponse(status: 403, contentType: "application/json", body: body)
    }
}
