import Daemon
import CShim
import Glibc
import Synchronization

/// An HTTP/1.1 server: N epoll event loops sharing one listening socket it is given (TCP or unix),
/// handlers inline on a loop or on a worker pool, graceful drain.
public final class HTTPServer: @unchecked Sendable {
    public let configuration: HTTPServerConfiguration
    public let router: Router
    /// The listening socket; the server never closes it (it belongs to systemd or the caller).
    public let listeningSocket: Int32

    /// Called after each response with what the access log needs; runs on the event loop thread. Set before `run()`.
    public var onAccessLog: ((AccessLogRecord) -> Void)?
    /// Called with the loop's index on every loop iteration (at least once per `tickInterval`). Set before `run()`.
    public var onLoopAlive: ((Int) -> Void)?

    let openConnections = Atomic<Int>(0)
    let shuttingDown = Atomic<Bool>(false)
    /// Round-robin position for dealing accepted connections to loops.
    let nextLoop = Atomic<Int>(0)
    /// The loops of the current run(); set before their threads start, so they read it without a lock.
    private(set) var activeLoops: [EventLoop] = []
    private let loopsMutex = Lock()
    private var loops: [EventLoop] = []
    private(set) var pool: WorkerPool?
    let seed: UInt64

    /// A server answering through `router` on `listeningSocket` (already bound and listening).
    public init(listeningSocket: Int32, router: Router, configuration: HTTPServerConfiguration = HTTPServerConfiguration()) {
        self.listeningSocket = listeningSocket
        self.router = router
        self.configuration = configuration
        var random: UInt64 = UInt64(UInt32(truncatingIfNeeded: getpid())) << 32 ^ monotonicNanoseconds()
        let urandom = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        if urandom >= 0 {
            _ = read(urandom, &random, MemoryLayout<UInt64>.size)
            close(urandom)
        }
        seed = random
    }

    /// Connections open right now, over all loops.
    public var connectionCount: Int { openConnections.load(ordering: .relaxed) }

    /// Why the server could not start.
    public struct StartError: Error, CustomStringConvertible {
        public let what: String
        public let errno: Int32
        public var description: String { "\(what) failed: \(String(cString: strerror(errno)))" }
    }

    /// Serves until `beginShutdown()` has been called and every connection is finished.
    public func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let flags = fcntl(listeningSocket, F_GETFL)
        guard flags >= 0, fcntl(listeningSocket, F_SETFL, flags | O_NONBLOCK) == 0 else {
            throw StartError(what: "fcntl(O_NONBLOCK) on the listening socket", errno: errno)
        }
        let pool = WorkerPool(threads: configuration.workerThreads, name: "http-worker")
        self.pool = pool
        var created: [EventLoop] = []
        do {
            for index in 0..<max(1, configuration.loops) {
                created.append(try EventLoop(server: self, index: index))
            }
        } catch {
            pool.shutdown()
            throw error
        }
        loopsMutex.withLock { loops = created }
        activeLoops = created
        let threads = created.map { loop in JoinableThread(name: "http-loop-\(loop.index)") { loop.run() } }
        for thread in threads { thread.join() }
        pool.shutdown()
        loopsMutex.withLock { loops = [] }
        activeLoops = []
        self.pool = nil
    }

    /// Stops accepting (the listening socket stays open, so the kernel keeps queueing connections for
    /// a successor), lets in-flight requests finish, closes idle connections; `run()` then returns.
    /// Safe to call from any thread, any number of times.
    public func beginShutdown() {
        shuttingDown.store(true, ordering: .sequentiallyConsistent)
        loopsMutex.withLock {
            for loop in loops { loop.wake() }
        }
    }
}
