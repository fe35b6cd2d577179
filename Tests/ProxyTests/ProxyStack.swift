import Daemon
import Glibc
import HTTP
import Proxy

/// A proxy `HTTPServer` on loopback TCP in front of an upstream `HTTPServer` on a unix socket, both
/// in this process, with a static root of a few files.
final class ProxyStack {
    let directory: ScratchDirectory
    let staticRoot: String
    let upstreamPath: String
    let upstream: ServerOnThread?
    let proxy: ServerOnThread
    let routes: ProxyRoutes

    static let css = Array("body { color: #333; }\n".utf8) + [UInt8](repeating: 0x20, count: 1000) + [0x0A]
    static let large = pattern(5 * 1024 * 1024)

    /// `withUpstream: false` leaves the upstream socket path unbound (the upstream is down).
    init(withUpstream: Bool = true) throws {
        directory = try ScratchDirectory()
        staticRoot = directory.path + "/static"
        try directory.write("static/site.css", Self.css)
        try directory.write("static/app.0123abcd.js", Array("console.log('fingerprinted');\n".utf8))
        try directory.write("secret.txt", Array("not for the web\n".utf8))
        upstreamPath = directory.path + "/web.sock"
        upstream = withUpstream ? try ServerOnThread(address: .unix(path: upstreamPath), router: Self.upstreamRouter()) : nil
        routes = ProxyRoutes(settings: ProxySettings(staticRoot: staticRoot, upstream: .unix(path: upstreamPath)))
        proxy = try ServerOnThread(address: .tcp(host: "127.0.0.1", port: 0), router: routes.router)
    }

    func client() throws -> HTTPTestClient { try HTTPTestClient(port: proxy.port) }

    func stop() {
        proxy.stop()
        upstream?.stop()
    }

    deinit { stop() }

    /// What the upstream answers: an echo of what it received, uploads summarised, a large body.
    static func upstreamRouter() -> Router {
        let router = Router()
        let echo: HTTPHandler = { request in
            var lines = ["\(request.method) \(request.target)"]
            for name in ["X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Host", "Connection", "X-Custom"] {
                lines.append("\(name): \(request.headers[name] ?? "-")")
            }
            var response = HTTPResponse.text(lines.joined(separator: "\n") + "\n")
            response.headers.add(name: "X-Upstream", value: "yes")
            return response
        }
        for method in ProxyRoutes.forwardedMethods {
            router.add(method, "/echo/*rest", mode: .blocking, echo)
        }
        router.post("/upload") { request in
            guard let bytes = request.body.readAll() else { return .error(500, "body unreadable") }
            return .text("received \(bytes.count) bytes, checksum \(checksum(bytes))\n")
        }
        router.get("/large") { _ in HTTPResponse(status: 200, contentType: "application/octet-stream", body: large) }
        router.get("/large-chunked") { _ in
            var response = HTTPResponse(status: 200, body: .stream(PieceStream(large, piece: 100_000)))
            response.headers.add(name: "Content-Type", value: "application/octet-stream")
            return response
        }
        return router
    }
}

/// A simple order-sensitive checksum.
func checksum(_ bytes: [UInt8]) -> UInt64 {
    var sum: UInt64 = 1469598103934665603
    for byte in bytes { sum = (sum ^ UInt64(byte)) &* 1099511628211 }
    return sum
}

/// Hands out `bytes` in pieces of `piece` bytes.
final class PieceStream: HTTPBodyStream {
    private let bytes: [UInt8]
    private let piece: Int
    private var offset = 0

    init(_ bytes: [UInt8], piece: Int) {
        self.bytes = bytes
        self.piece = piece
    }

    func next() throws -> [UInt8]? {
        guard offset < bytes.count else { return nil }
        let end = min(offset + piece, bytes.count)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}
