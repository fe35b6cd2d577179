import Daemon
import CHiredis
import Glibc

/// One connection to Redis on hiredis' blocking API. Not thread-safe: use it from one thread at
/// a time (`RedisPool` hands connections out that way). After an I/O error or a timeout it is
/// broken for good (`isBroken`), and every later call throws `RedisError.connectionBroken`.
public final class RedisConnection: RedisClient {
    /// Timeouts of one connection.
    public struct Options: Sendable, Equatable {
        /// How long opening the socket may take (at least 1 ms).
        public var connectTimeout: Duration
        /// How long a reply may take (at least 1 ms).
        public var commandTimeout: Duration

        public init(connectTimeout: Duration = .milliseconds(200), commandTimeout: Duration = .seconds(1)) {
            self.connectTimeout = max(connectTimeout, .milliseconds(1))
            self.commandTimeout = max(commandTimeout, .milliseconds(1))
        }
    }

    /// The server this connection talks to.
    public let address: RedisAddress
    /// The timeouts it was opened with.
    public let options: Options
    /// True once an I/O error, a timeout or a protocol error has made the connection unusable.
    public private(set) var isBroken = false
    /// The error that broke the connection, if one did.
    private(set) var failure: RedisError?
    private var context: UnsafeMutablePointer<redisContext>?

    /// Connects to the server of a `redis://` or `unix://` URL.
    public convenience init(url: String, options: Options = Options()) throws {
        try self.init(address: RedisAddress(url: url), options: options)
    }

    /// Connects, then sends AUTH and SELECT as the address asks.
    public init(address: RedisAddress, options: Options = Options()) throws {
        self.address = address
        self.options = options
        context = try Self.open(address, options)
        do {
            try handshake()
        } catch {
            close()
            throw error
        }
    }

    deinit {
        close()
    }

    /// Closes the socket; the connection is broken afterwards.
    public func close() {
        if let context {
            redisFree(context)
            self.context = nil
        }
        isBroken = true
    }

    /// Sends one command (binary-safe arguments) and waits for its reply; an error reply throws
    /// `RedisError.server` and leaves the connection usable.
    public func command(_ arguments: [[UInt8]]) throws -> RedisReply {
        let reply = try roundTrip([arguments])[0]
        if case .error(let message) = reply { throw RedisError.server(message) }
        return reply
    }

    /// Sends all commands at once, then reads all replies, in order. Error replies stay in place
    /// as `.error` values, because the other commands did run.
    public func pipeline(_ commands: [[[UInt8]]]) throws -> [RedisReply] {
        try roundTrip(commands)
    }

    /// `pipeline` with text arguments.
    public func pipeline(_ commands: [[String]]) throws -> [RedisReply] {
        try roundTrip(commands.map { $0.map { Array($0.utf8) } })
    }

    private static func open(_ address: RedisAddress, _ options: Options) throws -> UnsafeMutablePointer<redisContext> {
        let timeout = max(options.connectTimeout, .milliseconds(1)).timeval
        let opened: UnsafeMutablePointer<redisContext>?
        switch address.endpoint {
        case .tcp(let host, let port):
            opened = redisConnectWithTimeout(host, Int32(port), timeout)
        case .unix(let path):
            opened = redisConnectUnixWithTimeout(path, timeout)
        }
        guard let context = opened else {
            throw RedisError.connectFailed(address: address.description, reason: "out of memory")
        }
        if context.pointee.err != 0 {
            let reason = Hiredis.errorText(context)
            redisFree(context)
            throw RedisError.connectFailed(address: address.description, reason: reason)
        }
        // hiredis does not open its socket with SOCK_CLOEXEC; children must not inherit it.
        _ = fcntl(context.pointee.fd, F_SETFD, FD_CLOEXEC)
        if redisSetTimeout(context, max(options.commandTimeout, .milliseconds(1)).timeval) != REDIS_OK {
            let reason = Hiredis.errorText(context)
            redisFree(context)
            throw RedisError.connectFailed(address: address.description, reason: "cannot set the timeout: \(reason)")
        }
        return context
    }

    private func handshake() throws {
        if let password = address.password {
            let arguments = ["AUTH"] + (address.username.map { [$0] } ?? []) + [password]
            do {
                _ = try command(arguments)
            } catch RedisError.server(let message) {
                throw RedisError.authenticationFailed(address: address.description, message: message)
            }
        }
        if address.database != 0 {
            do {
                _ = try command(["SELECT", String(address.database)])
            } catch RedisError.server(let message) {
                throw RedisError.connectFailed(address: address.description,
                                               reason: "SELECT \(address.database) failed: \(message)")
            }
        }
    }

    private func usableContext() throws -> UnsafeMutablePointer<redisContext> {
        guard !isBroken, let context else { throw RedisError.connectionBroken(address: address.description) }
        return context
    }

    /// Marks the connection broken and returns the error that broke it.
    private func broken(_ context: UnsafeMutablePointer<redisContext>, errno savedErrno: Int32) -> RedisError {
        isBroken = true
        let error = Hiredis.ioError(context, errno: savedErrno, address: address.description)
        failure = error
        return error
    }

    private func append(_ commands: [[[UInt8]]], to context: UnsafeMutablePointer<redisContext>) throws {
        guard !commands.contains(where: \.isEmpty) else { throw RedisError.emptyCommand }
        for arguments in commands {
            let status = Hiredis.withArgv(arguments) { argc, argv, argvlen in
                redisAppendCommandArgv(context, argc, argv, argvlen)
            }
            if status != REDIS_OK { throw broken(context, errno: errno) }
        }
    }

    private func roundTrip(_ commands: [[[UInt8]]]) throws -> [RedisReply] {
        let context = try usableContext()
        try append(commands, to: context)
        return try SIGPIPEGuard.run {
            var replies: [RedisReply] = []
            replies.reserveCapacity(commands.count)
            for _ in commands {
                var raw: UnsafeMutableRawPointer?
                let status = redisGetReply(context, &raw)
                let savedErrno = errno
                guard status == REDIS_OK, let raw else { throw broken(context, errno: savedErrno) }
                replies.append(Hiredis.consume(raw))
            }
            return replies
        }
    }

    // MARK: - Used by the subscriber and the pool

    /// Writes commands without waiting for replies.
    func send(_ commands: [[[UInt8]]]) throws {
        let context = try usableContext()
        try append(commands, to: context)
        try SIGPIPEGuard.run {
            var done: Int32 = 0
            while done == 0 {
                if redisBufferWrite(context, &done) != REDIS_OK { throw broken(context, errno: errno) }
            }
        }
    }

    /// The next reply, or nil if none is complete within `timeout`. Waits with poll(2) rather
    /// than the socket timeout, so running out of time leaves the connection usable.
    func readReply(timeout: Duration) throws -> RedisReply? {
        let context = try usableContext()
        let deadline = monotonicNanoseconds() + timeout.nanoseconds
        while true {
            var raw: UnsafeMutableRawPointer?
            if redisGetReplyFromReader(context, &raw) != REDIS_OK { throw broken(context, errno: errno) }
            if let raw { return Hiredis.consume(raw) }
            let now = monotonicNanoseconds()
            guard now < deadline else { return nil }
            var descriptor = pollfd(fd: context.pointee.fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(clamping: Duration.nanoseconds(Int64(deadline - now)).roundedUpMilliseconds))
            if ready < 0 {
                let savedErrno = errno
                if savedErrno == EINTR { continue }
                isBroken = true
                throw RedisError.io(address: address.description, reason: "poll failed (errno \(savedErrno))")
            }
            if ready == 0 { continue }
            if redisBufferRead(context) != REDIS_OK { throw broken(context, errno: errno) }
        }
    }

    /// True when an idle connection has something to read: the server closed it (EOF) or sent
    /// something unasked. Either way it must not be handed out again.
    var isStale: Bool {
        guard !isBroken, let context else { return true }
        var descriptor = pollfd(fd: context.pointee.fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) != 0
    }
}
