import Daemon
import HTTP

/// stockroom-proxy's routes: `/static/` from the static root on the event loop, `/media/` from the
/// media root to users allowed to see each file's owner, and everything else forwarded to stockroom-web.
public final class ProxyRoutes {
    /// Methods passed to the upstream. TRACE and CONNECT are not: the router answers them 405.
    public static let forwardedMethods: [HTTPMethod] = [.GET, .HEAD, .POST, .PUT, .PATCH, .DELETE, .OPTIONS]

    public let router: Router
    /// The static file responder; nil if the static root could not be opened (then `/static/` is 404).
    public let files: StaticFileResponder?
    /// The media file responder; nil if the media root could not be opened (then `/media/` is 503).
    public let mediaFiles: StaticFileResponder?
    public let forwarder: UpstreamForwarder

    /// Builds the routes. A static root that cannot be opened is reported through `warn` and leaves
    /// `/static/` answering 404, so the rest of the site keeps working. Without `media` (no database)
    /// `/media/` answers 503.
    public init(settings: ProxySettings, media: MediaAccess? = nil, warn: (String) -> Void = { _ in }) {
        let route = StaticFileRoute(prefix: "/static/", root: settings.staticRoot, cacheControl: settings.cacheControl)
        var files: StaticFileResponder?
        do {
            files = try StaticFileResponder(route: route)
        } catch {
            warn("cannot serve /static/ from \(settings.staticRoot) (\(ProxySettings.staticRootKey)): \(error); answering 404 there")
        }
        self.files = files
        var mediaFiles: StaticFileResponder?
        if media != nil {
            do {
                mediaFiles = try StaticFileResponder(route: StaticFileRoute(
                    prefix: "/media/", root: settings.mediaRoot, cacheControl: settings.mediaCacheControl, servePrecompressed: false))
            } catch {
                warn("cannot serve /media/ from \(settings.mediaRoot) (\(ProxySettings.mediaRootKey)): \(error); answering 503 there")
            }
        }
        self.mediaFiles = mediaFiles
        let mediaRoute = MediaRoute(files: mediaFiles, access: media)
        forwarder = UpstreamForwarder(client: UpstreamClient(address: settings.upstream, configuration: settings.upstreamConfiguration))
        router = Router()

        let staticFiles: HTTPHeadHandler = { [files] head in
            guard let files else { return StaticFileHandling.unavailable }
            return StaticFileHandling.respond(files, to: head)
        }
        let forwarder = self.forwarder
        for method in Self.forwardedMethods {
            router.addHeadOnly(method, "/static/*path", staticFiles)
            router.add(method, "/media/*path", fast: mediaRoute.respondFromCache, blocking: mediaRoute.respond)
        }
        for method in Self.forwardedMethods {
            router.addDeferred(method, "/*path") { request, responder in forwarder.respond(to: request, responder: responder) }
        }
    }
}

/// How a static request reaches the responder.
enum StaticFileHandling {
    static func respond(_ files: StaticFileResponder, to head: HTTPRequestHead) -> HTTPResponse {
        // An origin-form target is the raw path and its query, which the responder ignores.
        let rawPath = head.target.utf8.first == UInt8(ascii: "/") ? head.target : String(head.rawPath)
        return HTTPResponse(files.respond(method: head.method.rawValue, rawPath: rawPath, headers: head.headers))
    }

    static var unavailable: HTTPResponse { HTTPResponse.error(404, "no static files are served here") }
}
