import CShim
import Glibc

/// One request forwarded from an event loop, on a connection registered in that same loop: the
/// I/O shell around `UpstreamExchangeMachine`. Only the loop's thread touches it, and its
/// completion runs there, so a proxied request crosses no thread. Once it has delivered its reply
/// it goes back to its pool, which uses it for a later request.
final class LoopUpstreamExchange {
    // The pool keeps its finished exchanges, and its loop outlives every exchange.
    unowned(unsafe) let pool: LoopUpstreamPool
    // Touched only by the loop's thread and never by two overlapping accesses: the run-time
    // exclusivity checks of these hot properties cost about 1% of a proxied request's CPU.
    @exclusivity(unchecked) private var machine: UpstreamExchangeMachine
    /// The request as first prepared (written again from its start after a reconnect).
    @exclusivity(unchecked) private var request: UpstreamRequestWriter
    @exclusivity(unchecked) private var writer: UpstreamRequestWriter
    @exclusivity(unchecked) private var socket: LoopUpstreamSocket?
    /// Who takes the reply; nil once it has.
    @exclusivity(unchecked) private var target: UpstreamReplyTarget?
    /// Loop time (nanoseconds) by which the current phase must progress.
    @exclusivity(unchecked) private(set) var deadline: UInt64 = 0

    init(pool: LoopUpstreamPool, request: UpstreamRequestWriter, method: String, isIdempotent: Bool, wholeBodyLimit: Int,
         target: UpstreamReplyTarget) {
        self.pool = pool
        self.request = request
        writer = request
        self.target = target
        let pooled = pool.checkout()
        socket = pooled
        machine = UpstreamExchangeMachine(address: pool.core.address, configuration: pool.core.configuration, method: method,
                                          isIdempotent: isIdempotent, wholeBodyLimit: wholeBodyLimit, pooled: pooled != nil)
    }

    /// Takes the next request: a finished exchange reused as if new.
    func reuse(request: UpstreamRequestWriter, method: String, isIdempotent: Bool, wholeBodyLimit: Int,
               target: UpstreamReplyTarget) {
        self.request = request
        writer = request
        self.target = target
        deadline = 0
        let pooled = pool.checkout()
        socket = pooled
        machine.reset(method: method, isIdempotent: isIdempotent, wholeBodyLimit: wholeBodyLimit, pooled: pooled != nil)
    }

    /// Writes at once on a pooled connection, or connects.
    func start() {
        if let socket {
            socket.exchange = self
            refreshDeadline()
            perform(.write)
        } else {
            connect()
        }
    }

    /// An epoll event on the exchange's connection.
    func handle(events: UInt32) {
        guard let socket else { return }
        refreshDeadline()
        switch machine.phase {
        case .connecting:
            if events & (EPOLLOUT.rawValue | EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 {
                perform(machine.connectFinished(errorCode: socket.connection.connectResult()))
            }
        case .writing:
            if events & (EPOLLOUT.rawValue | EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 { perform(.write) }
            // An upstream may answer (or close) before it has read the whole request.
            if machine.phase == .writing, self.socket === socket,
               events & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue) != 0 {
                readAvailable(from: socket)
            }
        case .awaitingResponse:
            if events & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
                readAvailable(from: socket)
            }
        case .done:
            break
        }
    }

    /// Gives up the array its request was written in, once the exchange has ended.
    func takeRequestBuffer() -> [UInt8] {
        _ = writer.takeHead()
        return request.takeHead()
    }

    /// The deadline of the current phase passed.
    func timedOut() { perform(machine.timedOut()) }

    /// The loop is stopping with this exchange unfinished.
    func abandon() {
        finish(.failed(.unavailable("the server stopped before \(pool.core.address) answered")), reuse: false)
    }

    private func refreshDeadline() {
        let seconds = machine.timeout
        deadline = seconds.isFinite ? pool.loop.now &+ UInt64(max(0, seconds) * 1e9) : .max
    }

    private func connect() {
        writer = request
        switch pool.connect() {
        case .success(let (fresh, inProgress)):
            socket = fresh
            fresh.exchange = self
            refreshDeadline()
            perform(machine.connectStarted(inProgress: inProgress))
        case .failure(let failure):
            perform(machine.connectFailed(failure))
        }
    }

    private func perform(_ action: UpstreamExchangeMachine.Action) {
        switch action {
        case .wait:
            refreshDeadline()
        case .write:
            writeSome()
        case .complete(let head, let body, let reuse):
            finish(.complete(head, body), reuse: reuse)
        case .stream(let head, let events):
            handOff(head, events: events)
        case .reconnect:
            if let socket {
                self.socket = nil
                pool.discard(socket)
            }
            connect()
        case .fail(let failure):
            finish(.failed(failure), reuse: false)
        }
    }

    /// Writes what the socket takes; waits for EPOLLOUT when it is full.
    private func writeSome() {
        guard let socket else { return }
        let fd = socket.fd
        while let segment = writer.next {
            let sent: Int
            switch segment {
            case .bytes(let bytes):
                sent = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            case .file(let file, let offset, let length):
                var position = off_t(offset)
                sent = sendfile(fd, file, &position, Int(min(length, 1 << 20)))
                if sent == 0 {
                    return perform(machine.writeFailed("the request body file ended early", retryable: false))
                }
            }
            if sent < 0 {
                let code = errno
                if code == EINTR { continue }
                if code == EAGAIN {
                    if !socket.watchWritable(true) {
                        perform(machine.writeFailed("epoll_ctl: \(String(cString: strerror(errno)))", retryable: false))
                    }
                    return
                }
                return perform(machine.writeFailed(String(cString: strerror(code)), retryable: code != EBADF))
            }
            writer.wrote(sent)
        }
        guard socket.watchWritable(false) else {
            return perform(machine.writeFailed("epoll_ctl: \(String(cString: strerror(errno)))", retryable: false))
        }
        perform(machine.requestWritten())
    }

    /// Reads until the socket is drained (edge-triggered) or the exchange has its answer. Uses the
    /// loop's receive buffer: the parser copies what it keeps, and nothing reads the buffer after
    /// the completion has run.
    private func readAvailable(from socket: LoopUpstreamSocket) {
        let buffer = pool.loop.scratch
        while self.socket === socket {
            let count = recv(socket.fd, buffer.baseAddress, buffer.count, 0)
            let action: UpstreamExchangeMachine.Action
            if count > 0 {
                action = machine.received(UnsafeRawBufferPointer(start: buffer.baseAddress, count: count), events: &pool.events)
                if case .wait = action {
                    refreshDeadline()
                    if count < buffer.count && !socket.hangupSeen { return }
                    continue
                }
            } else if count == 0 {
                action = machine.peerClosed()
            } else {
                let code = errno
                if code == EINTR { continue }
                if code == EAGAIN { return }
                action = machine.readFailed(errorCode: code)
            }
            return perform(action)
        }
    }

    /// A large or open-ended body: its connection leaves the loop for an `UpstreamResponseBody`,
    /// pulled by whoever sends it to the client (and then pooled by the client's shared pool).
    private func handOff(_ head: UpstreamResponseHead, events: [UpstreamResponseEvent]) {
        guard let socket else { return }
        self.socket = nil
        let connection = pool.release(socket)
        let core = pool.core
        let reader = UpstreamResponseReader(connection: connection, address: core.address, configuration: core.configuration,
                                            parser: machine.responseParser)
        reader.events = events[...]
        deliver(.streaming(head, UpstreamResponseBody(reader: reader, pool: core.pool)))
    }

    /// Ends the exchange: the connection goes back to the pool (before the completion runs, so that
    /// the client's next request finds it) or is closed.
    private func finish(_ reply: UpstreamAsyncReply, reuse: Bool) {
        if let socket {
            self.socket = nil
            if reuse { pool.checkin(socket) } else { pool.discard(socket) }
        }
        deliver(reply)
    }

    /// Runs the completion (once), then returns this exchange to its pool: no socket refers to it any more.
    private func deliver(_ reply: UpstreamAsyncReply) {
        guard let target else { return }
        self.target = nil
        target.deliver(reply)
        pool.recycle(self)
    }
}
