import Glibc

/// The course of one request forwarded from an event loop, without sockets or clocks: the loop's
/// I/O shell (`LoopUpstreamExchange`) reports what its upstream socket did and performs the action
/// returned. A failure before any response byte on a pooled connection (the upstream closed it
/// while idle) sends an idempotent request once more on a fresh connection.
struct UpstreamExchangeMachine {
    enum Phase: Equatable {
        case connecting
        case writing
        case awaitingResponse
        case done
    }

    enum Action {
        /// Nothing to do until the socket reports more.
        case wait
        /// Write (the rest of) the request.
        case write
        /// The whole response arrived: deliver it; the connection may carry another request if `reuse`.
        case complete(UpstreamResponseHead, [UInt8], reuse: Bool)
        /// A large or open-ended body: the connection, `responseParser` and the events parsed so far
        /// go to a reader that the client's response pulls from.
        case stream(UpstreamResponseHead, [UpstreamResponseEvent])
        /// Close the connection, connect afresh and write the request from its start.
        case reconnect
        /// Close the connection and answer with `failure`.
        case fail(UpstreamFailure)
    }

    let address: UpstreamAddress
    let configuration: UpstreamConfiguration
    private(set) var method: String
    private(set) var isIdempotent: Bool
    /// Responses whose body has a known length up to this are delivered whole.
    private(set) var wholeBodyLimit: Int
    private(set) var phase: Phase
    /// The connection came from the pool.
    private(set) var reused: Bool
    private(set) var retried = false
    private var parser: HTTPResponseHeadParser
    private var head: UpstreamResponseHead?
    private var body: [UInt8] = []

    /// An exchange on a pooled connection (`pooled`), which writes at once, or on one still connecting.
    init(address: UpstreamAddress, configuration: UpstreamConfiguration, method: String, isIdempotent: Bool,
         wholeBodyLimit: Int, pooled: Bool) {
        self.address = address
        self.configuration = configuration
        self.method = method
        self.isIdempotent = isIdempotent
        self.wholeBodyLimit = wholeBodyLimit
        reused = pooled
        phase = pooled ? .writing : .connecting
        parser = HTTPResponseHeadParser(requestMethod: method, limits: configuration.responseLimits)
    }

    /// Starts over for the next request to the same upstream, as `init` would (without copying the
    /// address and configuration again).
    mutating func reset(method: String, isIdempotent: Bool, wholeBodyLimit: Int, pooled: Bool) {
        self.method = method
        self.isIdempotent = isIdempotent
        self.wholeBodyLimit = wholeBodyLimit
        reused = pooled
        retried = false
        phase = pooled ? .writing : .connecting
        parser = HTTPResponseHeadParser(requestMethod: method, limits: configuration.responseLimits)
        head = nil
        body = []
    }

    /// The parser, for whoever reads the rest of a streamed body.
    var responseParser: HTTPResponseHeadParser { parser }

    /// Seconds the current phase may go without progress.
    var timeout: Double {
        switch phase {
        case .connecting: return configuration.connectTimeout
        case .writing: return configuration.idleTimeout
        case .awaitingResponse: return head == nil ? configuration.responseHeadTimeout : configuration.idleTimeout
        case .done: return .infinity
        }
    }

    /// A fresh connection was opened at once (`inProgress` false) or is being opened.
    mutating func connectStarted(inProgress: Bool) -> Action {
        guard phase == .connecting else { return .wait }
        if inProgress { return .wait }
        phase = .writing
        return .write
    }

    /// An in-progress connect ended with `errorCode` (0: connected).
    mutating func connectFinished(errorCode: Int32) -> Action {
        guard phase == .connecting else { return .wait }
        guard errorCode == 0 else { return end(.unavailable("connect to \(address) failed: \(String(cString: strerror(errorCode)))")) }
        phase = .writing
        return .write
    }

    /// Connecting could not even start (`failure` says why).
    mutating func connectFailed(_ failure: UpstreamFailure) -> Action {
        guard phase == .connecting else { return .wait }
        return end(failure)
    }

    /// The whole request is written: the answer is awaited.
    mutating func requestWritten() -> Action {
        guard phase == .writing else { return .wait }
        phase = .awaitingResponse
        return .wait
    }

    /// Writing failed with `errorCode` (a socket error); `retryable` is false when the body itself
    /// could not be read (sending it again would not help).
    mutating func writeFailed(_ reason: String, retryable: Bool) -> Action {
        guard phase == .writing || phase == .awaitingResponse else { return .wait }
        if retryable, let retry = retryIfAllowed() { return retry }
        return end(.unavailable("writing the request to \(address) failed: \(reason)"))
    }

    /// Bytes of the response arrived.
    mutating func received(_ bytes: UnsafeRawBufferPointer) -> Action {
        var events: [UpstreamResponseEvent] = []
        return received(bytes, events: &events)
    }

    /// Bytes of the response arrived; `events` is an empty buffer to parse into, left empty (its
    /// capacity kept, so that one buffer serves every exchange of a loop).
    mutating func received(_ bytes: UnsafeRawBufferPointer, events: inout [UpstreamResponseEvent]) -> Action {
        guard phase == .awaitingResponse || phase == .writing else { return .wait }
        // Emptied one by one: removeAll(keepingCapacity:) cost more than twice as much for the two or three events.
        defer { while events.popLast() != nil {} }
        do {
            try parser.feed(bytes, into: &events)
        } catch {
            return readFailed(error)
        }
        return take(events)
    }

    /// The upstream closed its side (end of file).
    mutating func peerClosed() -> Action {
        guard phase != .done && phase != .connecting else { return .wait }
        let events: [UpstreamResponseEvent]
        do {
            events = try parser.finish()
        } catch {
            return readFailed(error)
        }
        let action = take(events)
        if case .wait = action { return end(.unavailable("\(address) closed the connection before the response ended")) }
        return action
    }

    /// Reading failed with a socket error.
    mutating func readFailed(errorCode: Int32) -> Action {
        guard phase != .done else { return .wait }
        return readFailed(UpstreamIOError.failed(errorCode))
    }

    /// The current phase went without progress for `timeout` seconds.
    mutating func timedOut() -> Action {
        switch phase {
        case .connecting:
            return end(.timedOut("connect to \(address) took longer than \(UpstreamFailure.describe(seconds: configuration.connectTimeout))"))
        case .writing:
            return end(.timedOut("writing the request to \(address) stalled for \(UpstreamFailure.describe(seconds: configuration.idleTimeout))"))
        case .awaitingResponse:
            let failure = UpstreamResponseReader.failure(UpstreamIOError.timedOut, address: address, configuration: configuration,
                                                         headDelivered: head != nil)
            return end(failure.failure)
        case .done:
            return .wait
        }
    }

    private mutating func readFailed(_ error: Error) -> Action {
        let failure = UpstreamResponseReader.failure(error, address: address, configuration: configuration, headDelivered: head != nil)
        if failure.retryable && !parser.receivedAnyByte, let retry = retryIfAllowed() { return retry }
        return end(failure.failure)
    }

    private mutating func take(_ events: [UpstreamResponseEvent]) -> Action {
        for (index, event) in events.enumerated() {
            switch event {
            case .head(let received):
                head = received
                if !fitsWhole(received.framing) {
                    phase = .done
                    var rest = Array(events[(index + 1)...])
                    if !body.isEmpty { rest.insert(.body(body), at: 0) }
                    body = []
                    return .stream(received, rest)
                }
            case .body(let piece):
                if body.isEmpty { body = piece } else { body.append(contentsOf: piece) }
            case .end:
                guard let complete = head else { continue }
                phase = .done
                // Handed on, not kept: the exchange delivers them and starts over.
                head = nil
                let whole = body
                body = []
                return .complete(complete, whole, reuse: parser.keepAlive)
            }
        }
        return .wait
    }

    private func fitsWhole(_ framing: UpstreamBodyFraming) -> Bool {
        switch framing {
        case .none: return true
        case .contentLength(let length): return length <= Int64(wholeBodyLimit)
        case .chunked, .untilClose: return false
        }
    }

    /// Once, for an idempotent request on a pooled connection that had gone stale.
    private mutating func retryIfAllowed() -> Action? {
        guard reused && isIdempotent && !retried && !parser.receivedAnyByte else { return nil }
        retried = true
        reused = false
        phase = .connecting
        parser = HTTPResponseHeadParser(requestMethod: method, limits: configuration.responseLimits)
        head = nil
        body = []
        return .reconnect
    }

    private mutating func end(_ failure: UpstreamFailure) -> Action {
        phase = .done
        body = []
        return .fail(failure)
    }
}
