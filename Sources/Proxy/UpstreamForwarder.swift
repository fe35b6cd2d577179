import Glibc
import HTTP

/// Passes a client's request to the upstream and turns the upstream's answer into the client's
/// response. Runs on a worker thread (it blocks until the upstream's head arrives); a large body is
/// then pulled from the upstream piece by piece as the client takes it.
public final class UpstreamForwarder: Sendable {
    /// Bodies up to this size with a known length are read whole before answering: one hand-over to
    /// the event loop instead of one per piece.
    public static let wholeBodyLimit = 64 * 1024

    public let client: UpstreamClient

    public init(client: UpstreamClient) {
        self.client = client
    }

    /// The client's response for `request`: the upstream's, or a 502/504 that says what went wrong.
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        var bodyFile: Int32 = -1
        defer { if bodyFile >= 0 { close(bodyFile) } }
        let body: UpstreamRequestBody
        switch request.body {
        case .none:
            body = .none
        case .bytes(let bytes):
            body = .bytes(bytes)
        case .file(let path, let length):
            bodyFile = open(path, O_RDONLY | O_CLOEXEC)
            guard bodyFile >= 0 else {
                return HTTPResponse.error(500, "cannot read the stored request body: \(String(cString: strerror(errno)))")
            }
            body = .file(fd: bodyFile, offset: 0, length: Int64(length))
        }
        var headers: [(String, String)] = []
        headers.reserveCapacity(request.headers.count + 3)
        for field in request.headers { headers.append((field.name, field.value)) }
        let forwarded = UpstreamRequest(method: request.method.rawValue, target: Self.originForm(request), headers: headers,
                                        body: body, clientAddress: Self.clientIP(request.remoteAddress))
        switch client.send(forwarded) {
        case .failed(let failure):
            return Self.response(for: failure)
        case .response(let head, let stream):
            return response(head, stream)
        }
    }

    private func response(_ head: UpstreamResponseHead, _ stream: UpstreamResponseBody) -> HTTPResponse {
        let headers = HTTPHeaders(head.forwardableHeaders)
        switch head.framing {
        case .contentLength(let length) where length <= Int64(Self.wholeBodyLimit):
            do {
                return HTTPResponse(status: head.status, headers: headers, body: .bytes(try stream.readAll(capacity: Int(length))))
            } catch {
                // Nothing has reached the client yet: it can still get an honest 502.
                return Self.response(for: error as? UpstreamFailure
                    ?? UpstreamFailure(kind: .unavailable, message: "upstream unavailable: \(error)"))
            }
        case .none:
            // Reading the (empty) rest releases the connection to the pool.
            do { _ = try stream.readAll() } catch { stream.cancel() }
            return HTTPResponse(status: head.status, headers: headers, body: .empty)
        default:
            return HTTPResponse(status: head.status, headers: headers, body: .stream(stream))
        }
    }

    /// The failure's 502/504 (or 400) with its one-line explanation.
    public static func response(for failure: UpstreamFailure) -> HTTPResponse {
        HTTPResponse(status: failure.status, headers: HTTPHeaders(failure.headers), body: .bytes(failure.body))
    }

    /// `/path?query` as the client sent it (an absolute-form target loses its scheme and authority).
    static func originForm(_ request: HTTPRequest) -> String {
        if request.target.hasPrefix("/") { return request.target }
        guard let schemeEnd = request.target.firstRange(of: "://") else { return request.target }
        let rest = request.target[schemeEnd.upperBound...]
        guard let start = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
        let tail = rest[start...]
        return tail.hasPrefix("/") ? String(tail) : "/" + tail
    }

    /// The address without its port (`192.0.2.1:5000` -> `192.0.2.1`, `[2001:db8::1]:5000` -> `2001:db8::1`).
    static func clientIP(_ remoteAddress: String) -> String {
        if remoteAddress.hasPrefix("["), let close = remoteAddress.firstIndex(of: "]") {
            return String(remoteAddress[remoteAddress.index(after: remoteAddress.startIndex)..<close])
        }
        if let colon = remoteAddress.lastIndex(of: ":"), remoteAddress.firstIndex(of: ":") == colon {
            return String(remoteAddress[..<colon])
        }
        return remoteAddress
    }
}
