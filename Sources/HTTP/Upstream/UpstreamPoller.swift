import CShim
import Daemon
import Glibc
import Synchronization

/// What an upstream client's non-blocking requests share: the address, settings, pool and poller.
final class UpstreamClientCore: @unchecked Sendable {
    let address: UpstreamAddress
    let configuration: UpstreamConfiguration
    let pool: UpstreamConnectionPool
    /// Idle connections in the event loops' own pools (see `LoopUpstreamPool`), for `idleConnectionCount`.
    let loopIdleCount = Atomic<Int>(0)
    private let pollerMutex = Lock()
    private var startedPoller: UpstreamPoller?

    init(address: UpstreamAddress, configuration: UpstreamConfiguration, pool: UpstreamConnectionPool) {
        self.address = address
        self.configuration = configuration
        self.pool = pool
    }

    /// The poller, started on first use.
    var poller: UpstreamPoller {
        pollerMutex.withLock {
            if let startedPoller { return startedPoller }
            let poller = UpstreamPoller()
            startedPoller = poller
            return poller
        }
    }

    deinit { startedPoller?.stop() }
}

/// One thread on epoll that waits for the answers of upstream requests sent without blocking, and
/// connects new upstream connections, so that no thread sleeps per request.
final class UpstreamPoller: @unchecked Sendable {
    private enum Job {
        /// Started on a caller's thread: check its deadlines.
        case track(UpstreamAsyncExchange)
        /// Needs a connection.
        case connect(UpstreamAsyncExchange)
        /// Writing on the pooled connection failed at once.
        case failed(UpstreamAsyncExchange, Error)
    }

    private let epollFD: Int32
    private let wakeFD: Int32
    private let inboxMutex = Lock()
    private var inbox: [Job] = []
    private var stopping = false
    /// Exchanges whose deadlines are checked; only the poller's thread touches it.
    private var active: [UpstreamAsyncExchange] = []

    init() {
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.u64 = 0
        _ = epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event)
        startThread(name: "upstream-poller") { [self] in run() }
    }

    /// Stops the thread (when its client goes away).
    func stop() {
        inboxMutex.withLock { stopping = true }
        wake()
    }

    /// From the exchange's current thread: registers it for the events of its phase. It is retained
    /// (in the inbox or the active list) before epoll can report it, and the calling thread must not
    /// touch it afterwards: the poller may already be finishing it. Returns the errno if epoll refuses.
    func watch(_ exchange: UpstreamAsyncExchange) -> Int32? {
        if !exchange.tracked {
            exchange.tracked = true
            inboxMutex.withLock { inbox.append(.track(exchange)) }
        }
        guard let fd = exchange.connection?.fd else { return EBADF }
        var event = Self.event(for: exchange)
        exchange.watched = true
        guard epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) == 0 else {
            exchange.watched = false
            return errno
        }
        return nil
    }

    /// On the poller's thread: the exchange waits for something else now.
    func rearm(_ exchange: UpstreamAsyncExchange) {
        guard exchange.watched, let fd = exchange.connection?.fd else { return }
        var event = Self.event(for: exchange)
        _ = epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event)
    }

    /// The exchange's connection leaves epoll.
    func unwatch(_ exchange: UpstreamAsyncExchange) {
        guard exchange.watched, let fd = exchange.connection?.fd else { return }
        exchange.watched = false
        _ = epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil)
    }

    /// From a caller's thread: the poller connects for `exchange`.
    func submit(_ exchange: UpstreamAsyncExchange) {
        exchange.tracked = true
        inboxMutex.withLock { inbox.append(.connect(exchange)) }
        wake()
    }

    /// From a caller's thread: writing to the pooled connection failed; the poller retries or reports.
    func submit(_ exchange: UpstreamAsyncExchange, failedWith error: Error) {
        exchange.tracked = true
        inboxMutex.withLock { inbox.append(.failed(exchange, error)) }
        wake()
    }

    private static func event(for exchange: UpstreamAsyncExchange) -> epoll_event {
        var event = epoll_event()
        event.events = exchange.phase == .reading ? EPOLLIN.rawValue | EPOLLRDHUP.rawValue : EPOLLOUT.rawValue
        event.data.ptr = Unmanaged.passUnretained(exchange).toOpaque()
        return event
    }

    private func wake() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    private func run() {
        let capacity = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        defer {
            events.deallocate()
            buffer.deallocate()
            close(epollFD)
            close(wakeFD)
        }
        var nextSweep = monotonicSeconds() + 0.1
        while true {
            let count = epoll_wait(epollFD, events, Int32(capacity), 100)
            for index in 0..<max(0, Int(count)) {
                let event = events[index]
                if event.data.u64 == 0 {
                    var value: UInt64 = 0
                    _ = read(wakeFD, &value, 8)
                    continue
                }
                guard let pointer = event.data.ptr else { continue }
                Unmanaged<UpstreamAsyncExchange>.fromOpaque(pointer).takeUnretainedValue().ready(buffer: buffer)
            }
            let (jobs, stop) = inboxMutex.withLock { () -> ([Job], Bool) in
                defer { inbox.removeAll(keepingCapacity: true) }
                return (inbox, stopping)
            }
            for job in jobs {
                switch job {
                case .track(let exchange):
                    active.append(exchange)
                case .connect(let exchange):
                    active.append(exchange)
                    exchange.connect()
                case .failed(let exchange, let error):
                    active.append(exchange)
                    exchange.startFailed(error)
                }
            }
            let now = monotonicSeconds()
            if now >= nextSweep || active.count > 4096 {
                nextSweep = now + 0.1
                active.removeAll { $0.finished }
                for exchange in active where exchange.deadline < now { exchange.timedOut() }
            }
            if stop { break }
        }
        for exchange in active where !exchange.finished {
            exchange.timedOut()
        }
    }
}
