import Daemon

/// Forwards requests to one upstream HTTP/1.1 server over a unix socket or TCP, reusing keep-alive
/// connections. Blocking: call it from a worker thread. Thread-safe.
///
/// A request that fails on a reused connection before any response byte arrived (the upstream
/// closed it while we were sending) is sent once more on a fresh connection if its method is
/// idempotent.
public final class UpstreamClient: Sendable {
    public let address: UpstreamAddress
    public let configuration: UpstreamConfiguration
    private let pool: UpstreamConnectionPool
    private let core: UpstreamClientCore

    public init(address: UpstreamAddress, configuration: UpstreamConfiguration = UpstreamConfiguration()) {
        self.address = address
        self.configuration = configuration
        pool = UpstreamConnectionPool(maxIdle: configuration.maxIdleConnections, maxIdleSeconds: configuration.maxIdleSeconds)
        core = UpstreamClientCore(address: address, configuration: configuration, pool: pool)
    }

    /// Idle connections currently pooled (by the client and by the event loops that used it).
    public var idleConnectionCount: Int { pool.idleCount + core.loopIdleCount.load(ordering: .relaxed) }

    /// Closes every idle connection (for a graceful drain).
    public func closeIdleConnections() { pool.removeAll() }

    /// Sends `request` without blocking, and calls `completion` with the whole response when its
    /// body has a length of at most `wholeBodyLimit` bytes, or else with the head and the body still
    /// to be pulled. Never blocks the caller.
    ///
    /// Called on an `HTTPServer` event loop's thread (by a `.deferred` handler), the exchange runs in
    /// that loop, on the loop's own keep-alive connections, and `completion` runs on the loop's thread:
    /// no other thread is involved. Called elsewhere (or for a host name that needs a lookup, which
    /// could block a loop), the request is written at once on a pooled connection or by the client's
    /// poller thread on a new one, and `completion` runs on the poller thread.
    public func send(_ request: UpstreamRequest, wholeBodyLimit: Int, completion: @escaping (UpstreamAsyncReply) -> Void) {
        send(request, wholeBodyLimit: wholeBodyLimit, target: .closure(completion))
    }

    /// As `send(_:wholeBodyLimit:completion:)`, with `receiver.receive` as the completion (no closure
    /// to allocate per request).
    public func send(_ request: UpstreamRequest, wholeBodyLimit: Int, to receiver: UpstreamReplyReceiver) {
        send(request, wholeBodyLimit: wholeBodyLimit, target: .receiver(receiver))
    }

    private func send(_ request: UpstreamRequest, wholeBodyLimit: Int, target: UpstreamReplyTarget) {
        let pool = address.needsNameLookup ? nil : EventLoop.current?.upstreamPool(for: core)
        let writer: UpstreamRequestWriter
        do {
            let trust = configuration.trustIncomingForwardedFor
            if let pool {
                var buffer = pool.takeRequestBuffer()
                writer = try request.writer(trustIncomingForwardedFor: trust, reusing: &buffer)
            } else {
                writer = try request.writer(trustIncomingForwardedFor: trust)
            }
        } catch {
            return target.deliver(.failed(UpstreamFailure(kind: .invalidRequest, message: "cannot forward the request: \(error)")))
        }
        if let pool {
            return pool.send(writer, method: request.method, isIdempotent: request.isIdempotent, wholeBodyLimit: wholeBodyLimit,
                             target: target)
        }
        UpstreamAsyncExchange(core: core, method: request.method, isIdempotent: request.isIdempotent, request: writer,
                              wholeBodyLimit: wholeBodyLimit, completion: target.deliver).start()
    }

    /// Sends `request` and returns the response head with its body still on the connection, to be
    /// read with `next()`. Call from a worker thread: this blocks until the head arrives.
    public func send(_ request: UpstreamRequest) -> UpstreamReply {
        let writer: UpstreamRequestWriter
        do {
            writer = try request.writer(trustIncomingForwardedFor: configuration.trustIncomingForwardedFor)
        } catch {
            return .failed(UpstreamFailure(kind: .invalidRequest, message: "cannot forward the request: \(error)"))
        }
        var mayReuse = true
        while true {
            let pooled = mayReuse ? pool.checkout(now: monotonicSeconds()) : nil
            let connection: UpstreamConnection
            if let pooled {
                connection = pooled
            } else {
                switch connect() {
                case .success(let fresh): connection = fresh
                case .failure(let failure): return .failed(failure)
                }
            }
            let exchange = UpstreamExchange(connection: connection, address: address, configuration: configuration, pool: pool)
            switch exchange.run(writer, method: request.method) {
            case .response(let head, let body):
                return .response(head, body)
            case .failed(let failure, let beforeResponse):
                if pooled != nil && beforeResponse && request.isIdempotent {
                    mayReuse = false  // once, on a fresh connection
                    continue
                }
                return .failed(failure)
            }
        }
    }

    /// Sends `request` and streams the response: `onHead` once, then `onBody` per piece of the
    /// (de-chunked) body; `onBody` returns false to stop (the client went away).
    public func forward(_ request: UpstreamRequest, onHead: (UpstreamResponseHead) -> Void,
                        onBody: ([UInt8]) -> Bool) -> UpstreamOutcome {
        switch send(request) {
        case .failed(let failure):
            return .failed(failure)
        case .response(let head, let body):
            onHead(head)
            do {
                while let piece = try body.next() {
                    if !onBody(piece) {
                        body.cancel()
                        return .failedAfterHead(UpstreamFailure(kind: .cancelled, message: "forwarding from \(address) cancelled by the client"))
                    }
                }
                return .completed(head)
            } catch let failure as UpstreamFailure {
                return .failedAfterHead(failure)
            } catch {
                return .failedAfterHead(.unavailable("reading the response from \(address) failed: \(error)"))
            }
        }
    }

    private func connect() -> Result<UpstreamConnection, UpstreamFailure> {
        do {
            return .success(try UpstreamConnection.connect(to: address, timeout: configuration.connectTimeout))
        } catch UpstreamIOError.timedOut {
            let limit = UpstreamFailure.describe(seconds: configuration.connectTimeout)
            return .failure(.timedOut("connect to \(address) took longer than \(limit)"))
        } catch let error as UpstreamIOError {
            return .failure(.unavailable("connect to \(address) failed: \(error.reason)"))
        } catch UpstreamConnectFailure.resolve(let reason) {
            return .failure(.unavailable("cannot resolve \(address): \(reason)"))
        } catch {
            return .failure(.unavailable("connect to \(address) failed: \(error)"))
        }
    }
}
