/// The timers a connection can wait under; each one, when it fires, is a `timedOut` event.
public enum HTTPConnectionTimer: Equatable, Sendable {
    /// From the connection's start (or the first byte of a request) until its head is complete.
    case header
    /// Between requests on a keep-alive connection.
    case idle
    /// Since the last body bytes (or head) arrived while a body is being read.
    case bodyStall
    /// Since the last response bytes were accepted by the socket while a response is being written.
    case sendStall
}

/// What the I/O shell must do after an event.
public enum HTTPConnectionAction: Equatable, Sendable {
    /// Nothing beyond waiting for the next event.
    case none
    /// Feed buffered and newly read bytes to the parser.
    case parse
    /// Keep reading the body; first send `100 Continue` if asked.
    case readBody(sendContinue: Bool)
    /// The request is complete: run its handler (reading is paused until the response is written).
    case runHandler
    /// Write the handler's response; close afterwards if `closeAfter`.
    case writeResponse(closeAfter: Bool)
    /// Write an error response with this status, then close.
    case writeError(status: Int)
    /// Close the connection now, without writing anything more.
    case close
}

/// The lifecycle of one HTTP/1.1 connection, as events in and actions out; no sockets, no clocks.
///
/// Requests are handled one at a time: bytes of a pipelined request stay buffered until the
/// response before it is written, so responses go out in request order.
public struct HTTPConnectionStateMachine: Sendable {
    /// Where the connection is in its lifecycle.
    public enum State: Equatable, Sendable {
        /// Waiting for the first byte of a request (`firstRequest`: the connection is new).
        case awaitingRequest(firstRequest: Bool)
        case readingHead
        case readingBody(keepAlive: Bool)
        case handling(keepAlive: Bool)
        case writing(closeAfter: Bool)
        case closed
    }

    public private(set) var state: State = .awaitingRequest(firstRequest: true)
    /// Whether the server is draining: the current request, if any, is the last one.
    public private(set) var draining = false
    /// Whether the peer has closed its sending side.
    public private(set) var peerClosed = false
    /// Incremented whenever the current timer must restart from now.
    public private(set) var timerGeneration = 0

    public init() {}

    /// The timer that applies in the current state, if any.
    public var timer: HTTPConnectionTimer? {
        switch state {
        case .awaitingRequest(let first): return first ? .header : .idle
        case .readingHead: return .header
        case .readingBody: return .bodyStall
        case .writing: return .sendStall
        case .handling, .closed: return nil
        }
    }

    /// Bytes arrived from the peer.
    public mutating func bytesReceived() -> HTTPConnectionAction {
        switch state {
        case .awaitingRequest(let first):
            state = .readingHead
            if !first { timerGeneration += 1 }
            return .parse
        case .readingHead, .readingBody:
            return .parse
        case .handling, .writing, .closed:
            // Pipelined bytes: kept until the current response is written.
            return .none
        }
    }

    /// The parser produced a request head.
    public mutating func headReceived(keepAlive: Bool, expectsContinue: Bool) -> HTTPConnectionAction {
        switch state {
        case .awaitingRequest, .readingHead:
            state = .readingBody(keepAlive: keepAlive && !draining)
            timerGeneration += 1
            return .readBody(sendContinue: expectsContinue)
        default:
            return unexpected()
        }
    }

    /// Body bytes arrived: the body-stall timer restarts.
    public mutating func bodyReceived() -> HTTPConnectionAction {
        guard case .readingBody = state else { return unexpected() }
        timerGeneration += 1
        return .none
    }

    /// Some response bytes were written: the send-stall timer restarts.
    public mutating func writeProgressed() {
        timerGeneration += 1
    }

    /// The parser finished a request.
    public mutating func requestComplete() -> HTTPConnectionAction {
        guard case .readingBody(let keepAlive) = state else { return unexpected() }
        state = .handling(keepAlive: keepAlive && !draining)
        return .runHandler
    }

    /// The parser refused the request.
    public mutating func parseFailed(status: Int) -> HTTPConnectionAction {
        switch state {
        case .awaitingRequest, .readingHead, .readingBody:
            state = .writing(closeAfter: true)
            timerGeneration += 1
            return .writeError(status: status)
        default:
            return unexpected()
        }
    }

    /// The handler's response is ready; `closeConnection` forces the connection to close after it.
    public mutating func responseReady(closeConnection: Bool = false) -> HTTPConnectionAction {
        guard case .handling(let keepAlive) = state else { return unexpected() }
        let closeAfter = !keepAlive || draining || peerClosed || closeConnection
        state = .writing(closeAfter: closeAfter)
        timerGeneration += 1
        return .writeResponse(closeAfter: closeAfter)
    }

    /// The whole response has been written.
    public mutating func writeFinished() -> HTTPConnectionAction {
        guard case .writing(let closeAfter) = state else { return unexpected() }
        if closeAfter || draining || peerClosed {
            state = .closed
            return .close
        }
        state = .awaitingRequest(firstRequest: false)
        timerGeneration += 1
        return .parse
    }

    /// The peer closed its side (read returned 0).
    public mutating func peerClosedConnection() -> HTTPConnectionAction {
        peerClosed = true
        switch state {
        case .handling, .writing:
            // Finish the request in flight; the connection closes after its response.
            return .none
        case .closed:
            return .none
        default:
            state = .closed
            return .close
        }
    }

    /// The socket failed (reset, broken pipe).
    public mutating func socketFailed() -> HTTPConnectionAction {
        state = .closed
        return .close
    }

    /// A timer fired; it is ignored if it no longer applies.
    public mutating func timedOut(_ timer: HTTPConnectionTimer) -> HTTPConnectionAction {
        guard timer == self.timer else { return .none }
        state = .closed
        return .close
    }

    /// The server is shutting down: idle connections close now, busy ones after their current response.
    public mutating func shutdownRequested() -> HTTPConnectionAction {
        draining = true
        switch state {
        case .awaitingRequest:
            state = .closed
            return .close
        case .readingBody(keepAlive: _):
            state = .readingBody(keepAlive: false)
            return .none
        case .handling(keepAlive: _):
            state = .handling(keepAlive: false)
            return .none
        default:
            return .none
        }
    }

    private mutating func unexpected() -> HTTPConnectionAction {
        state = .closed
        return .close
    }
}
