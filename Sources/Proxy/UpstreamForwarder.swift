import Glibc
import HTTP

/// Passes a client's request to the upstream and turns the upstream's answer into the client's
/// response. Called on the event loop, it never blocks: the request goes out on a pooled connection
/// and the upstream client's poller thread answers. A large body is then pulled from the upstream
/// piece by piece, on worker threads, as the client takes it.
public final class UpstreamForwarder: Sendable {
    /// Bodies up to this size with a known length are read whole before answering: one hand-over to
    /// the event loop instead of one per piece.
    public static let wholeBodyLimit = 64 * 1024

    public let client: UpstreamClient

    public init(client: UpstreamClient) {
        self.client = client
    }

    /// Forwards `request` without blocking the event loop and answers through `responder` when the
    /// upstream's head (and a small body) has arrived, or with a 502/504 that says what went wrong.
    public func respond(to request: HTTPRequest, responder: HTTPResponder) {
        var bodyFile: Int32 = -1
        let body: UpstreamRequestBody
        switch request.body {
        case .none:
            body = .none
        case .bytes(let bytes):
            body = .bytes(bytes)
        case .file(let path, let length):
            bodyFile = open(path, O_RDONLY | O_CLOEXEC)
            guard bodyFile >= 0 else {
                return responder.respond(.error(500, "cannot read the stored request body: \(String(cString: strerror(errno)))"))
            }
            body = .file(fd: bodyFile, offset: 0, length: Int64(length))
        }
        let forwarded = UpstreamRequest(method: request.method.rawValue, target: Self.originForm(request), received: request.headers,
                                        body: body, clientAddress: Self.clientIP(request.remoteAddress))
        // Without a body file to close afterwards, the responder takes the reply itself: no closure per request.
        guard bodyFile >= 0 else { return client.send(forwarded, wholeBodyLimit: Self.wholeBodyLimit, to: responder) }
        client.send(forwarded, wholeBodyLimit: Self.wholeBodyLimit) { reply in
            // The request is written (or abandoned) by now.
            close(bodyFile)
            responder.respond(Self.response(for: reply))
        }
    }

    /// The client's response for the upstream's reply (see `UpstreamAsyncReply.clientResponse`).
    static func response(for reply: UpstreamAsyncReply) -> HTTPResponse { reply.clientResponse }

    /// The failure's 502/504 (or 400) with its one-line explanation.
    public static func response(for failure: UpstreamFailure) -> HTTPResponse {
        HTTPResponse(status: failure.status, headers: HTTPHeaders(failure.headers), body: .bytes(failure.body))
    }

    /// `/path?query` as the client sent it (an absolute-form target loses its scheme and authority).
    static func originForm(_ request: HTTPRequest) -> String {
        if request.target.utf8.first == UInt8(ascii: "/") { return request.target }
        guard let schemeEnd = request.target.firstRange(of: "://") else { return request.target }
        let rest = request.target[schemeEnd.upperBound...]
        guard let start = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
        let tail = rest[start...]
        return tail.hasPrefix("/") ? String(tail) : "/" + tail
    }

    /// The address without its port (`192.0.2.1:5000` -> `192.0.2.1`, `[2001:db8::1]:5000` -> `2001:db8::1`).
    static func clientIP(_ remoteAddress: String) -> String {
        var address = remoteAddress
        // On the address's bytes: stepping through the string's views cost as much as the rest of the request line.
        return address.withUTF8 { bytes -> String in
            if bytes.first == UInt8(ascii: "["), let close = bytes.firstIndex(of: UInt8(ascii: "]")) {
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[1..<close]), as: UTF8.self)
            }
            var colon = -1
            for index in bytes.indices where bytes[index] == UInt8(ascii: ":") {
                guard colon < 0 else { return remoteAddress }  // an IPv6 address without brackets or port
                colon = index
            }
            return colon < 0 ? remoteAddress : String(decoding: UnsafeBufferPointer(rebasing: bytes[..<colon]), as: UTF8.self)
        }
    }
}
