import Daemon
import CShim
import Glibc

/// One upstream connection owned by an event loop: registered in the loop's epoll from its connect
/// to its close, so that an idle one the upstream closes is noticed (and dropped) at once and a
/// pooled one needs no check before use. It is idle in its pool or carries one exchange.
final class LoopUpstreamSocket {
    let connection: UpstreamConnection
    // The pool belongs to the loop, which outlives its sockets.
    unowned(unsafe) let pool: LoopUpstreamPool
    // Touched only by the loop's thread, never by overlapping accesses (as LoopUpstreamExchange's).
    @exclusivity(unchecked) var exchange: LoopUpstreamExchange?
    /// Loop time (nanoseconds) when it went back to the pool.
    @exclusivity(unchecked) var idleSince: UInt64 = 0
    /// EPOLLOUT is in its epoll registration (while connecting, or while a request waits for room).
    @exclusivity(unchecked) var watchingWritable: Bool
    /// epoll reported that the upstream hung up: read on until end of file.
    @exclusivity(unchecked) var hangupSeen = false
    var registered = false

    var fd: Int32 { connection.fd }

    init(connection: UpstreamConnection, pool: LoopUpstreamPool, watchingWritable: Bool) {
        self.connection = connection
        self.pool = pool
        self.watchingWritable = watchingWritable
    }

    func handle(events: UInt32) {
        if events & (EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 { hangupSeen = true }
        if let exchange {
            exchange.handle(events: events)
        } else if events & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
            // Idle: the upstream closed it, or sent what no request asked for. Either way it is done.
            pool.discard(self)
        }
    }

    /// Adds or removes EPOLLOUT; false if epoll refused.
    func watchWritable(_ on: Bool) -> Bool {
        guard on != watchingWritable else { return true }
        var event = LoopUpstreamSocket.event(fd: fd, writable: on)
        guard epoll_ctl(pool.loop.epollFD, EPOLL_CTL_MOD, fd, &event) == 0 else { return false }
        watchingWritable = on
        return true
    }

    static func event(fd: Int32, writable: Bool) -> epoll_event {
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue | (writable ? EPOLLOUT.rawValue : 0)
        event.data.fd = fd
        return event
    }
}

/// An event loop's own keep-alive connections to one upstream, and the exchanges on them: only the
/// loop's thread touches it, so taking and returning a connection costs no lock and no system call.
final class LoopUpstreamPool {
    let core: UpstreamClientCore
    // The loop owns its pools.
    unowned(unsafe) let loop: EventLoop
    /// Most recently used last.
    // Touched only by the loop's thread and never by two overlapping accesses: the run-time
    // exclusivity checks of these hot properties cost about 1% of a proxied request's CPU.
    @exclusivity(unchecked) private var idle: [LoopUpstreamSocket] = []
    /// Exchanges that have delivered their reply, reused for the next requests (no allocation per request).
    @exclusivity(unchecked) private var finishedExchanges: [LoopUpstreamExchange] = []
    /// Arrays of finished requests, for later requests' heads to be written into.
    @exclusivity(unchecked) private var spareRequestBuffers: [[UInt8]] = []
    /// The buffer every exchange of this loop parses responses into (empty between uses).
    @exclusivity(unchecked) var events: [UpstreamResponseEvent] = []
    private let maxIdle: Int
    private let maxIdleNanoseconds: UInt64

    init(core: UpstreamClientCore, loop: EventLoop) {
        self.core = core
        self.loop = loop
        maxIdle = core.configuration.maxIdleConnections
        maxIdleNanoseconds = UInt64(max(0, core.configuration.maxIdleSeconds) * 1e9)
        events.reserveCapacity(8)
    }

    /// Starts forwarding `request`; `target` takes the reply on this loop's thread.
    func send(_ request: UpstreamRequestWriter, method: String, isIdempotent: Bool, wholeBodyLimit: Int,
              target: UpstreamReplyTarget) {
        if let exchange = finishedExchanges.popLast() {
            exchange.reuse(request: request, method: method, isIdempotent: isIdempotent, wholeBodyLimit: wholeBodyLimit,
                           target: target)
            return exchange.start()
        }
        LoopUpstreamExchange(pool: self, request: request, method: method, isIdempotent: isIdempotent,
                             wholeBodyLimit: wholeBodyLimit, target: target).start()
    }

    /// Keeps an exchange that has delivered its reply, for a later request (up to `maxIdle` of them).
    func recycle(_ exchange: LoopUpstreamExchange) {
        let buffer = exchange.takeRequestBuffer()
        // A head's array (not a large body's) serves a later request.
        if buffer.capacity > 0 && buffer.capacity <= Self.maxSpareBuffer && spareRequestBuffers.count < Self.maxSpareBuffers {
            spareRequestBuffers.append(buffer)
        }
        if finishedExchanges.count < max(maxIdle, 1) { finishedExchanges.append(exchange) }
    }

    /// An array a finished request was written in, for the next request's head (see `UpstreamRequestWriter`), or an empty one.
    func takeRequestBuffer() -> [UInt8] {
        spareRequestBuffers.popLast() ?? []
    }

    /// The largest request array kept for a later request, and how many are kept (one per request
    /// in flight at once, up to this).
    private static let maxSpareBuffer = 16 * 1024
    private static let maxSpareBuffers = 16

    /// The most recently used idle connection that has not sat too long, else one that a streamed
    /// body returned to the client's shared pool, or nil.
    func checkout() -> LoopUpstreamSocket? {
        while let socket = idle.popLast() {
            core.loopIdleCount.subtract(1, ordering: .relaxed)
            if loop.now &- socket.idleSince < maxIdleNanoseconds && !socket.hangupSeen { return socket }
            close(socket)
        }
        guard let shared = core.pool.checkout(now: monotonicSeconds()) else { return nil }
        let socket = LoopUpstreamSocket(connection: shared, pool: self, watchingWritable: false)
        return loop.register(socket) ? socket : nil
    }

    /// Returns a connection after a complete response that allows reuse.
    func checkin(_ socket: LoopUpstreamSocket) {
        socket.exchange = nil
        guard maxIdle > 0, !socket.hangupSeen, socket.watchWritable(false) else { return close(socket) }
        socket.idleSince = loop.now
        idle.append(socket)
        core.loopIdleCount.add(1, ordering: .relaxed)
        if idle.count > maxIdle {
            core.loopIdleCount.subtract(1, ordering: .relaxed)
            close(idle.removeFirst())
        }
    }

    /// Starts a connection, registered with the loop: the socket, and whether the connect is still in progress.
    func connect() -> Result<(LoopUpstreamSocket, inProgress: Bool), UpstreamFailure> {
        let connection: UpstreamConnection
        let inProgress: Bool
        do {
            (connection, inProgress) = try UpstreamConnection.startConnecting(to: core.address)
        } catch let error as UpstreamIOError {
            return .failure(.unavailable("connect to \(core.address) failed: \(error.reason)"))
        } catch UpstreamConnectFailure.resolve(let reason) {
            return .failure(.unavailable("cannot resolve \(core.address): \(reason)"))
        } catch {
            return .failure(.unavailable("connect to \(core.address) failed: \(error)"))
        }
        let socket = LoopUpstreamSocket(connection: connection, pool: self, watchingWritable: inProgress)
        guard loop.register(socket) else {
            return .failure(.unavailable("cannot wait for \(core.address): epoll_ctl: \(String(cString: strerror(errno)))"))
        }
        return .success((socket, inProgress))
    }

    /// Closes a connection that cannot carry another request.
    func discard(_ socket: LoopUpstreamSocket) {
        if socket.exchange == nil, let index = idle.firstIndex(where: { $0 === socket }) {
            idle.remove(at: index)
            core.loopIdleCount.subtract(1, ordering: .relaxed)
        }
        close(socket)
    }

    /// Takes a connection out of the loop (its descriptor stays open) for a reader on another thread.
    func release(_ socket: LoopUpstreamSocket) -> UpstreamConnection {
        socket.exchange = nil
        loop.unregister(socket, keepOpen: true)
        return socket.connection
    }

    /// Once per tick: ends exchanges past their deadline and connections idle too long.
    func sweep(_ socket: LoopUpstreamSocket) {
        if let exchange = socket.exchange {
            if loop.now >= exchange.deadline { exchange.timedOut() }
        } else if loop.now &- socket.idleSince >= maxIdleNanoseconds {
            discard(socket)
        }
    }

    /// When the loop stops: every exchange fails, every connection closes.
    func closeAll(_ socket: LoopUpstreamSocket) {
        if let exchange = socket.exchange {
            exchange.abandon()
        } else {
            discard(socket)
        }
    }

    private func close(_ socket: LoopUpstreamSocket) {
        socket.exchange = nil
        loop.unregister(socket, keepOpen: false)
    }
}
