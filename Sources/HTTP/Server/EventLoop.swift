import Daemon
import CShim
import Glibc

/// One epoll loop: accepts on the shared listening socket, drives its connections, runs timers.
final class EventLoop {
    // The server outlives its loops: run() joins them before returning.
    unowned(unsafe) let server: HTTPServer
    let index: Int
    let epollFD: Int32
    let wakeFD: Int32
    let listenFD: Int32
    let parserLimits: HTTPParserLimits
    let configuration: HTTPServerConfiguration
    let headerTimeout: UInt64
    let idleTimeout: UInt64
    let drainIdleTimeout: UInt64
    let bodyStallTimeout: UInt64
    let sendStallTimeout: UInt64
    let lingerTimeout: UInt64 = 2_000_000_000
    let tick: UInt64

    // Touched only by this loop's thread, never by overlapping accesses (as Connection's properties).
    @exclusivity(unchecked) var connections: [Connection?] = []
    @exclusivity(unchecked) var openCount = 0
    @exclusivity(unchecked) var now: UInt64 = monotonicNanoseconds()
    @exclusivity(unchecked) var dateCache = HTTPDateCache()
    @exclusivity(unchecked) var requestIDs: RequestIDGenerator
    /// Shared receive buffer: reads land here and are parsed in place.
    let scratch: UnsafeMutableRawBufferPointer
    var draining = false
    var listening = false
    /// Connections that had more to read when their turn ended; served after the next epoll_wait.
    @exclusivity(unchecked) var deferredReads: [Connection] = []
    private var deferredInHand: [Connection] = []
    /// Upstream connections registered in this loop's epoll, by descriptor (see `LoopUpstreamPool`).
    @exclusivity(unchecked) var upstreamSockets: [LoopUpstreamSocket?] = []
    /// This loop's pools, one per upstream client used from it.
    private var upstreamPools: [LoopUpstreamPool] = []

    enum Completion {
        case response(Connection, HTTPResponse)
        case streamChunk(Connection, [UInt8]?, failed: Bool)
        /// A socket another loop accepted for this one.
        case adopt(fd: Int32, remoteAddress: String)
    }

    private let completionMutex = Lock()
    private var completions: [Completion] = []
    private var completionsInHand: [Completion] = []

    init(server: HTTPServer, index: Int) throws {
        self.server = server
        self.index = index
        configuration = server.configuration
        listenFD = server.listeningSocket
        parserLimits = configuration.parserLimits
        headerTimeout = configuration.headerTimeout.nanoseconds
        idleTimeout = configuration.idleTimeout.nanoseconds
        drainIdleTimeout = configuration.drainIdleTimeout.nanoseconds
        bodyStallTimeout = configuration.bodyStallTimeout.nanoseconds
        sendStallTimeout = configuration.sendStallTimeout.nanoseconds
        tick = max(1_000_000, configuration.tickInterval.nanoseconds)
        requestIDs = RequestIDGenerator(seed: server.seed, loop: index)
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollFD >= 0 else { throw HTTPServer.StartError(what: "epoll_create1", errno: errno) }
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard wakeFD >= 0 else {
            close(epollFD)
            throw HTTPServer.StartError(what: "eventfd", errno: errno)
        }
        scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = wakeFD
        guard epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event) == 0 else {
            let code = errno
            close(epollFD)
            close(wakeFD)
            throw HTTPServer.StartError(what: "epoll_ctl(eventfd)", errno: code)
        }
    }

    deinit {
        scratch.deallocate()
    }

    func run() {
        pthread_setspecific(EventLoop.currentKey, Unmanaged.passUnretained(self).toOpaque())
        defer { pthread_setspecific(EventLoop.currentKey, nil) }
        if !server.shuttingDown.load(ordering: .relaxed) {
            var event = epoll_event()
            event.events = EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue
            event.data.fd = listenFD
            listening = epoll_ctl(epollFD, EPOLL_CTL_ADD, listenFD, &event) == 0
        }
        let capacity = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        defer { events.deallocate() }
        var nextTick = now &+ tick
        var yieldPolicy = LoopYieldPolicy(interval: configuration.loopYieldInterval.nanoseconds, now: now)
        while true {
            let wait = !deferredReads.isEmpty ? 0 : nextTick > now ? Int32(min((nextTick - now + 999_999) / 1_000_000, 60_000)) : 0
            let beforeWait = yieldPolicy.isEnabled ? monotonicNanoseconds() : 0
            let count = epoll_wait(epollFD, events, Int32(capacity), wait)
            now = monotonicNanoseconds()
            yieldPolicy.woke(events: Int(count), waited: now &- beforeWait, now: now)
            if count > 0 {
                for i in 0..<Int(count) {
                    let event = events[i]
                    let fd = event.data.fd
                    if fd == listenFD {
                        acceptConnections()
                    } else if fd == wakeFD {
                        takeCompletions()
                    } else if fd >= 0 && Int(fd) < connections.count, let connection = connections[Int(fd)] {
                        connection.handle(events: event.events)
                    } else if fd >= 0 && Int(fd) < upstreamSockets.count, let socket = upstreamSockets[Int(fd)] {
                        socket.handle(events: event.events)
                    }
                }
            }
            if yieldPolicy.shouldYield(now: monotonicNanoseconds()) { sched_yield() }
            if !deferredReads.isEmpty {
                swap(&deferredReads, &deferredInHand)
                for connection in deferredInHand { connection.resumeDeferredReading() }
                deferredInHand.removeAll(keepingCapacity: true)
            }
            if now >= nextTick {
                // Once a tick, not once per wake-up: with the watchdog on, the report takes a lock shared by all loops.
                server.onLoopAlive?(index)
                sweepTimers()
                nextTick = now &+ tick
            }
            if !draining && server.shuttingDown.load(ordering: .relaxed) {
                startDrain()
            }
            if draining && openCount == 0 { break }
        }
        for socket in upstreamSockets { if let socket { socket.pool.closeAll(socket) } }
        upstreamPools = []
        close(epollFD)
        close(wakeFD)
    }

    // MARK: - Accepting

    func acceptConnections() {
        // A listening event from the batch that started the drain: the connection stays queued for a successor.
        if draining { return }
        let peers = server.activeLoops
        for _ in 0..<16 {
            var address = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { shim_accept_nonblocking(listenFD, $0, &length) }
            }
            if fd < 0 {
                let code = errno
                if code == EINTR || code == ECONNABORTED { continue }
                return
            }
            let open = server.openConnections.wrappingAdd(1, ordering: .relaxed).newValue
            if open > configuration.maxConnections {
                refuse(fd)
                server.openConnections.wrappingSubtract(1, ordering: .relaxed)
                continue
            }
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            // Whichever loop the kernel woke accepts; the connections are dealt round-robin so that
            // every loop gets its share (one busy loop and one idle one would halve the throughput).
            let remoteAddress = EventLoop.describe(address)
            if peers.count > 1 && !server.shuttingDown.load(ordering: .relaxed) {
                let target = peers[server.nextLoop.wrappingAdd(1, ordering: .relaxed).oldValue % peers.count]
                if target !== self {
                    target.post(.adopt(fd: fd, remoteAddress: remoteAddress))
                    continue
                }
            }
            adopt(fd: fd, remoteAddress: remoteAddress)
        }
    }

    /// Takes an accepted socket into this loop. One accepted before the drain began is still served
    /// (its client may have sent a request already), with `Connection: close`.
    func adopt(fd: Int32, remoteAddress: String) {
        var event = epoll_event()
        // EPOLLOUT is added only once a write would block: most responses fit the socket buffer,
        // and with it registered every ACK would wake the loop for nothing.
        event.events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue
        event.data.fd = fd
        guard epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) == 0 else {
            close(fd)
            server.openConnections.wrappingSubtract(1, ordering: .relaxed)
            return
        }
        let connection = Connection(fd: fd, loop: self, remoteAddress: remoteAddress)
        let slot = Int(fd)
        if slot >= connections.count {
            connections.append(contentsOf: repeatElement(nil, count: max(slot + 1 - connections.count, connections.count)))
        }
        connections[slot] = connection
        openCount += 1
        if draining { connection.shutdownRequested() }
    }

    /// Answers 503 to a connection over the limit and closes it.
    func refuse(_ fd: Int32) {
        let text = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 20\r\nConnection: close\r\nRetry-After: 1\r\n\r\ntoo many connections"
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        shutdown(fd, Int32(SHUT_WR))
        close(fd)
    }

    static func describe(_ address: sockaddr_storage) -> String {
        var address = address
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch Int32(address.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                    var ip = v4.pointee.sin_addr
                    inet_ntop(AF_INET, &ip, &text, socklen_t(text.count))
                    return "\(String(cString: text)):\(UInt16(bigEndian: v4.pointee.sin_port))"
                }
            }
        case AF_INET6:
            return withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                    var ip = v6.pointee.sin6_addr
                    inet_ntop(AF_INET6, &ip, &text, socklen_t(text.count))
                    return "[\(String(cString: text))]:\(UInt16(bigEndian: v6.pointee.sin6_port))"
                }
            }
        case AF_UNIX:
            return "unix"
        default:
            return "unknown"
        }
    }

    func connectionClosed(_ connection: Connection) {
        let slot = Int(connection.fd)
        if slot < connections.count, connections[slot] === connection { connections[slot] = nil }
        openCount -= 1
        server.openConnections.wrappingSubtract(1, ordering: .relaxed)
    }

    // MARK: - Timers and drain

    func timeout(_ timer: HTTPConnectionTimer) -> UInt64 {
        switch timer {
        case .header: return headerTimeout
        case .idle: return idleTimeout
        case .bodyStall: return bodyStallTimeout
        case .sendStall: return sendStallTimeout
        case .drainIdle: return drainIdleTimeout
        }
    }

    func sweepTimers() {
        for slot in connections.indices {
            connections[slot]?.checkTimer()
        }
        for slot in upstreamSockets.indices {
            if let socket = upstreamSockets[slot] { socket.pool.sweep(socket) }
        }
    }

    // MARK: - Upstream connections

    /// The loop whose thread is calling, if any.
    static var current: EventLoop? {
        pthread_getspecific(currentKey).map { Unmanaged<EventLoop>.fromOpaque($0).takeUnretainedValue() }
    }

    private static let currentKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// This loop's pool for the upstream client `core`.
    func upstreamPool(for core: UpstreamClientCore) -> LoopUpstreamPool {
        for pool in upstreamPools where pool.core === core { return pool }
        let pool = LoopUpstreamPool(core: core, loop: self)
        upstreamPools.append(pool)
        return pool
    }

    /// Adds an upstream socket to this loop's epoll; false if epoll refuses.
    func register(_ socket: LoopUpstreamSocket) -> Bool {
        var event = LoopUpstreamSocket.event(fd: socket.fd, writable: socket.watchingWritable)
        guard epoll_ctl(epollFD, EPOLL_CTL_ADD, socket.fd, &event) == 0 else { return false }
        let slot = Int(socket.fd)
        if slot >= upstreamSockets.count {
            upstreamSockets.append(contentsOf: repeatElement(nil, count: max(slot + 1 - upstreamSockets.count, upstreamSockets.count)))
        }
        upstreamSockets[slot] = socket
        socket.registered = true
        return true
    }

    /// Takes an upstream socket out of this loop's epoll; its descriptor closes with its last holder
    /// (at once, unless `keepOpen` because a reader on another thread takes it over).
    func unregister(_ socket: LoopUpstreamSocket, keepOpen: Bool) {
        guard socket.registered else { return }
        socket.registered = false
        let slot = Int(socket.fd)
        if slot < upstreamSockets.count, upstreamSockets[slot] === socket { upstreamSockets[slot] = nil }
        if keepOpen { epoll_ctl(epollFD, EPOLL_CTL_DEL, socket.fd, nil) }
    }

    func startDrain() {
        draining = true
        if listening {
            var event = epoll_event()
            epoll_ctl(epollFD, EPOLL_CTL_DEL, listenFD, &event)
            listening = false
        }
        for slot in connections.indices {
            connections[slot]?.shutdownRequested()
        }
    }

    // MARK: - Work done elsewhere

    /// Runs `job` on the worker pool.
    func submit(_ job: @escaping () -> Void) {
        server.pool?.submit(job)
    }

    /// Hands a completion to this loop from another thread.
    func post(_ completion: Completion) {
        completionMutex.lock()
        let wasEmpty = completions.isEmpty
        completions.append(completion)
        completionMutex.unlock()
        // A non-empty queue has a wake-up on its way already; the loop takes the whole queue at once.
        if wasEmpty { wake() }
    }

    func wake() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    func takeCompletions() {
        var value: UInt64 = 0
        _ = read(wakeFD, &value, 8)
        completionMutex.lock()
        swap(&completions, &completionsInHand)
        completionMutex.unlock()
        for completion in completionsInHand {
            switch completion {
            case .response(let connection, let response):
                connection.handlerFinished(response)
            case .streamChunk(let connection, let chunk, let failed):
                connection.streamChunkArrived(chunk, failed: failed)
            case .adopt(let fd, let remoteAddress):
                adopt(fd: fd, remoteAddress: remoteAddress)
            }
        }
        completionsInHand.removeAll(keepingCapacity: true)
    }
}
