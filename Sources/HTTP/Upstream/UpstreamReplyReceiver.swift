/// Takes the reply to a request sent with `UpstreamClient.send(_:wholeBodyLimit:to:)`: an object
/// the caller already holds (a deferred handler's responder), so that sending allocates no closure.
public protocol UpstreamReplyReceiver: AnyObject {
    func receive(_ reply: UpstreamAsyncReply)
}

/// Whoever takes a reply: a closure or a receiver.
enum UpstreamReplyTarget {
    case closure((UpstreamAsyncReply) -> Void)
    case receiver(UpstreamReplyReceiver)

    func deliver(_ reply: UpstreamAsyncReply) {
        switch self {
        case .closure(let completion): completion(reply)
        case .receiver(let receiver): receiver.receive(reply)
        }
    }
}

extension UpstreamAsyncReply {
    /// The response for the client: the upstream's status and fields without hop-by-hop fields and
    /// `Date` (the engine writes its own), its body (whole, or pulled as the client takes it), or
    /// the failure's 502/504 (or 400) with its one-line explanation.
    public var clientResponse: HTTPResponse {
        switch self {
        case .failed(let failure):
            return HTTPResponse(status: failure.status, headers: HTTPHeaders(failure.headers), body: .bytes(failure.body))
        case .complete(let head, let bytes):
            return HTTPResponse(status: head.status, headers: head.clientHeaders, body: head.framing == .none ? .empty : .bytes(bytes))
        case .streaming(let head, let stream):
            return HTTPResponse(status: head.status, headers: head.clientHeaders, body: .stream(stream))
        }
    }
}

/// A responder answers its client with the upstream's reply as `clientResponse` makes it.
extension HTTPResponder: UpstreamReplyReceiver {
    public func receive(_ reply: UpstreamAsyncReply) {
        respond(reply.clientResponse)
    }
}
