import Daemon
import CShim
import Glibc

/// One request forwarded without blocking: written and answered through an `UpstreamPoller`'s
/// epoll. Started on the caller's thread; after it is registered with the poller, only the poller's
/// thread touches it.
final class UpstreamAsyncExchange {
    enum Phase { case connecting, writing, reading }

    let core: UpstreamClientCore
    let method: String
    let isIdempotent: Bool
    /// The request as first prepared (for a retry); dropped when the exchange ends.
    private var request: UpstreamRequestWriter?
    let wholeBodyLimit: Int
    private var completion: ((UpstreamAsyncReply) -> Void)?

    var connection: UpstreamConnection?
    var phase = Phase.writing
    var deadline: Double = 0
    var finished = false
    /// Registered with the poller's epoll (poller bookkeeping).
    var watched = false
    /// In the poller's list of exchanges whose deadlines it checks (poller bookkeeping).
    var tracked = false
    /// Whether the connection came from the pool (a failure before any response byte is then retried once).
    private var reused = false
    private var retried = false
    private var writer: UpstreamRequestWriter?
    private var parser: HTTPResponseHeadParser
    private var head: UpstreamResponseHead?
    private var body: [UInt8] = []
    private var fileChunk: [UInt8] = []
    private var fileChunkOffset = 0

    init(core: UpstreamClientCore, method: String, isIdempotent: Bool, request: UpstreamRequestWriter, wholeBodyLimit: Int,
         completion: @escaping (UpstreamAsyncReply) -> Void) {
        self.core = core
        self.method = method
        self.isIdempotent = isIdempotent
        self.request = request
        self.wholeBodyLimit = wholeBodyLimit
        self.completion = completion
        writer = request
        parser = HTTPResponseHeadParser(requestMethod: method, limits: core.configuration.responseLimits)
    }

    /// On the caller's thread: with a pooled connection, writes the request at once and hands the
    /// wait for the answer to the poller; without one, the poller connects.
    func start() {
        guard let pooled = core.pool.checkout(now: monotonicSeconds()) else {
            core.poller.submit(self)
            return
        }
        connection = pooled
        reused = true
        let now = monotonicSeconds()
        phase = .writing
        deadline = now + core.configuration.idleTimeout
        do {
            if try writeSome() { waitForResponse(now: now) }
        } catch {
            // Probably closed by the upstream while idle: the poller retries or reports it.
            core.poller.submit(self, failedWith: error)
            return
        }
        if let code = core.poller.watch(self) { core.poller.submit(self, failedWith: UpstreamIOError.failed(code)) }
    }

    /// On the poller's thread: connects (again), for a request that has no connection yet.
    func connect() {
        connection = nil
        reused = false
        parser = HTTPResponseHeadParser(requestMethod: method, limits: core.configuration.responseLimits)
        writer = request
        fileChunk = []
        fileChunkOffset = 0
        let now = monotonicSeconds()
        do {
            let (fresh, inProgress) = try UpstreamConnection.startConnecting(to: core.address)
            connection = fresh
            if inProgress {
                phase = .connecting
                deadline = now + core.configuration.connectTimeout
            } else {
                phase = .writing
                deadline = now + core.configuration.idleTimeout
                if try writeSome() { waitForResponse(now: now) }
            }
        } catch let error as UpstreamIOError {
            return finish(.failed(.unavailable("connect to \(core.address) failed: \(error.reason)")))
        } catch UpstreamConnectFailure.resolve(let reason) {
            return finish(.failed(.unavailable("cannot resolve \(core.address): \(reason)")))
        } catch {
            return fail(writing: error)
        }
        if let code = core.poller.watch(self) {
            finish(.failed(.unavailable("cannot wait for \(core.address): epoll_ctl: \(String(cString: strerror(code)))")))
        }
    }

    /// On the poller's thread: the socket is ready for what the phase waits for.
    func ready(buffer: UnsafeMutableRawBufferPointer) {
        guard !finished, let connection else { return }
        do {
            switch phase {
            case .connecting:
                let code = connection.connectResult()
                guard code == 0 else {
                    return finish(.failed(.unavailable("connect to \(core.address) failed: \(String(cString: strerror(code)))")))
                }
                phase = .writing
                deadline = monotonicSeconds() + core.configuration.idleTimeout
                if try writeSome() { waitForResponse(now: monotonicSeconds()) }
                core.poller.rearm(self)
            case .writing:
                if try writeSome() {
                    waitForResponse(now: monotonicSeconds())
                    core.poller.rearm(self)
                }
            case .reading:
                read(buffer)
            }
        } catch {
            fail(writing: error)
        }
    }

    /// On the poller's thread: the deadline of the current phase passed.
    func timedOut() {
        let configuration = core.configuration
        switch phase {
        case .connecting:
            finish(.failed(.timedOut("connect to \(core.address) took longer than \(UpstreamFailure.describe(seconds: configuration.connectTimeout))")))
        case .writing:
            finish(.failed(.timedOut("writing the request to \(core.address) stalled for \(UpstreamFailure.describe(seconds: configuration.idleTimeout))")))
        case .reading:
            let failure = UpstreamResponseReader.failure(UpstreamIOError.timedOut, address: core.address, configuration: configuration,
                                                         headDelivered: head != nil)
            finish(.failed(failure.failure))
        }
    }

    /// On the poller's thread, after `start()` could not write on the pooled connection.
    func startFailed(_ error: Error) { fail(writing: error) }

    private func waitForResponse(now: Double) {
        phase = .reading
        deadline = now + core.configuration.responseHeadTimeout
    }

    /// Writes what the socket takes; true when the whole request is written.
    private func writeSome() throws -> Bool {
        guard let fd = connection?.fd else { return false }
        while let segment = writer?.next {
            let sent: Int
            switch segment {
            case .bytes(let bytes):
                sent = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            case .file(let file, let offset, let length):
                if fileChunkOffset >= fileChunk.count {
                    let size = Int(min(length, 64 * 1024))
                    var count = 0
                    fileChunk = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
                        count = pread(file, buffer.baseAddress, size, off_t(offset))
                        initialized = max(count, 0)
                    }
                    guard count > 0 else {
                        throw UpstreamRequestError(count == 0 ? "the request body file ended early"
                            : "reading the request body failed: " + String(cString: strerror(errno)))
                    }
                    fileChunkOffset = 0
                }
                sent = fileChunk.withUnsafeBytes {
                    send(fd, $0.baseAddress! + fileChunkOffset, $0.count - fileChunkOffset, Int32(MSG_NOSIGNAL))
                }
                if sent > 0 { fileChunkOffset += sent }
            }
            if sent < 0 {
                if errno == EAGAIN { return false }
                if errno == EINTR { continue }
                throw UpstreamIOError.failed(errno)
            }
            writer?.wrote(sent)
            deadline = monotonicSeconds() + core.configuration.idleTimeout
        }
        return true
    }

    private func read(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let connection else { return }
        while !finished {
            let count = recv(connection.fd, buffer.baseAddress, buffer.count, 0)
            if count < 0 && errno == EINTR { continue }
            if count < 0 && errno == EAGAIN { return }
            let events: [UpstreamResponseEvent]
            do {
                if count < 0 { throw UpstreamIOError.failed(errno) }
                events = count == 0
                    ? try parser.finish()
                    : try parser.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            } catch {
                let failure = UpstreamResponseReader.failure(error, address: core.address, configuration: core.configuration,
                                                             headDelivered: head != nil)
                if failure.retryable && !parser.receivedAnyByte && reused && isIdempotent && !retried {
                    return retry()
                }
                return finish(.failed(failure.failure))
            }
            deadline = monotonicSeconds() + (head == nil ? core.configuration.responseHeadTimeout : core.configuration.idleTimeout)
            for (index, event) in events.enumerated() {
                switch event {
                case .head(let received):
                    head = received
                    if !fitsWhole(received.framing) {
                        return handOff(received, rest: events[(index + 1)...])
                    }
                case .body(let piece):
                    if body.isEmpty { body = piece } else { body.append(contentsOf: piece) }
                case .end:
                    guard let head else { continue }
                    return finish(.complete(head, body), reuseConnection: parser.keepAlive)
                }
            }
            if count == 0 { return }
        }
    }

    private func fitsWhole(_ framing: UpstreamBodyFraming) -> Bool {
        switch framing {
        case .none: return true
        case .contentLength(let length): return length <= Int64(wholeBodyLimit)
        case .chunked, .untilClose: return false
        }
    }

    /// A large or open-ended body: the connection leaves the poller for an `UpstreamResponseBody`,
    /// read on demand by whoever sends it to the client.
    private func handOff(_ head: UpstreamResponseHead, rest: ArraySlice<UpstreamResponseEvent>) {
        guard let connection else { return }
        let reader = UpstreamResponseReader(connection: connection, address: core.address, configuration: core.configuration,
                                            parser: parser)
        reader.events = rest
        if !body.isEmpty { reader.events.insert(.body(body), at: reader.events.startIndex) }
        finish(.streaming(head, UpstreamResponseBody(reader: reader, pool: core.pool)))
    }

    private func fail(writing error: Error) {
        if reused && isIdempotent && !retried && !parser.receivedAnyByte, error is UpstreamIOError {
            return retry()
        }
        switch error {
        case let error as UpstreamIOError:
            finish(.failed(.unavailable("writing the request to \(core.address) failed: \(error.reason)")))
        default:
            finish(.failed(.unavailable("writing the request to \(core.address) failed: \(error)")))
        }
    }

    /// Once, on a fresh connection, for an idempotent request whose pooled connection had gone stale.
    private func retry() {
        core.poller.unwatch(self)
        retried = true
        connect()
    }

    /// Ends the exchange: the connection leaves the poller and goes back to the pool if
    /// `reuseConnection`; otherwise it is closed, unless a streamed body holds it.
    private func finish(_ reply: UpstreamAsyncReply, reuseConnection: Bool = false) {
        guard !finished else { return }
        finished = true
        core.poller.unwatch(self)
        // Pooled before the client hears of it, so that its next request finds the connection.
        if reuseConnection, let connection { core.pool.checkin(connection, now: monotonicSeconds()) }
        connection = nil
        // The poller keeps finished exchanges until its next sweep: keep them light meanwhile.
        request = nil
        writer = nil
        body = []
        fileChunk = []
        let deliver = completion
        completion = nil
        deliver?(reply)
    }
}
