import CShim
import Glibc

/// `stockroom run`'s process supervisor: spawns each daemon with its activated sockets and a
/// notify socket, prints its output with a name prefix, waits for `READY=1`, restarts it when it
/// dies and stops everything on `SIGINT`/`SIGTERM` or `requestShutdown()`. The decisions are
/// `SupervisorStateMachine`'s; this class only does the I/O, on the thread that calls `run()`.
public final class Supervisor {
    private enum Source {
        case signals
        case wakeup
        case notify(daemon: Int)
        case output(pid: pid_t)
        case exit(pid: pid_t)
    }

    private struct Child {
        let output: Int32
        let outputToken: UInt64
        let pidfd: (fd: Int32, token: UInt64)?
        var lines: OutputLines
    }

    private let daemons: [SupervisedDaemon]
    private let options: SupervisorOptions
    private let log: (String) -> Void
    private let wakeupFD: Int32
    private var machine: SupervisorStateMachine
    private let origin = monotonicNow()
    private let prefixWidth: Int

    private var epollFD: Int32 = -1
    private var signalRelay: SignalRelay?
    private var notifySockets: [NotifySocket] = []
    private var children: [pid_t: Child] = [:]
    private var sources: [UInt64: Source] = [:]
    private var nextToken: UInt64 = 1
    private var exitStatus: Int32?
    private var hasRun = false

    /// A supervisor for `daemons`; `log` receives every line it prints (daemon output and reports).
    public init(daemons: [SupervisedDaemon], options: SupervisorOptions, log: @escaping (String) -> Void) throws {
        var seen = Set<String>()
        for daemon in daemons {
            guard !daemon.name.isEmpty, daemon.name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
            else { throw SupervisorError("daemon name \"\(daemon.name)\" must be letters, digits, - or _") }
            guard seen.insert(daemon.name).inserted else { throw SupervisorError("two daemons are named \(daemon.name)") }
            guard daemon.executable.hasPrefix("/") else {
                throw SupervisorError("\(daemon.name): executable \(daemon.executable) must be an absolute path")
            }
            for socket in daemon.sockets where socket.name.contains(":") || socket.name.isEmpty {
                throw SupervisorError("\(daemon.name): socket name \"\(socket.name)\" must be non-empty and without ':'")
            }
        }
        self.daemons = daemons
        self.options = options
        self.log = log
        self.machine = SupervisorStateMachine(configuration: .init(
            names: daemons.map(\.name), startTimeout: options.startTimeout, stopTimeout: options.stopTimeout,
            watchdogInterval: options.watchdogInterval, backoff: options.restartBackoff, address: options.address))
        self.prefixWidth = (daemons.map(\.name.count) + [options.reporterName.count]).max() ?? 0
        wakeupFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard wakeupFD >= 0 else { throw SupervisorError.system("eventfd") }
    }

    deinit { close(wakeupFD) }

    /// Asks `run()` to stop every daemon, as Ctrl-C does; a second call kills them. Thread-safe.
    public func requestShutdown() {
        var one: UInt64 = 1
        _ = write(wakeupFD, &one, 8)
    }

    /// Runs the daemons until a shutdown request has stopped them all; returns the exit status
    /// (0 when every daemon stopped cleanly on `SIGTERM`, 1 otherwise; see `SupervisorStateMachine`).
    public func run() throws -> Int32 {
        guard !hasRun else { throw SupervisorError("Supervisor.run() was called twice; make a new Supervisor") }
        hasRun = true
        try setUp()
        defer { tearDown() }
        perform(machine.handle(.startRequested, at: now()))
        var events = [epoll_event](repeating: epoll_event(), count: 32)
        while exitStatus == nil {
            let count = epoll_wait(epollFD, &events, Int32(events.count), pollTimeout())
            if count < 0 && errno != EINTR { throw SupervisorError.system("epoll_wait") }
            for event in events.prefix(max(0, Int(count))) {
                if let source = sources[event.data.u64] { handle(source) }
                if exitStatus != nil { break }
            }
            reapChildren()
            if exitStatus == nil { perform(machine.handle(.tick, at: now())) }
        }
        return exitStatus ?? 1
    }

    private func now() -> Duration { monotonicNow() - origin }

    private func pollTimeout() -> Int32 {
        // Children are noticed through their pidfd; kernels before 5.3 have none, so poll for them.
        let longest: Int64 = children.values.contains { $0.pidfd == nil } ? 50 : 1000
        guard let deadline = machine.nextDeadline else { return Int32(longest) }
        let remaining = deadline - now()
        if remaining <= .zero { return 0 }
        let milliseconds = remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1
        return Int32(min(milliseconds, longest))
    }

    // MARK: setting up and tearing down

    private func setUp() throws {
        try makeDirectories(options.runtimeDirectory, mode: 0o700)
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollFD >= 0 else { throw SupervisorError.system("epoll_create1") }
        watch(wakeupFD, as: .wakeup)
        if options.handleSignals {
            let relay = try SignalRelay()
            signalRelay = relay
            watch(relay.readEnd, as: .signals)
        }
        for (index, daemon) in daemons.enumerated() {
            let socket = try NotifySocket(path: options.runtimeDirectory + "/" + daemon.name + ".notify")
            notifySockets.append(socket)
            watch(socket.fd, as: .notify(daemon: index))
        }
    }

    private func tearDown() {
        // Only reached with children still alive if run() threw: do not leave them behind.
        for pid in children.keys {
            kill(-pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            finish(pid)
        }
        notifySockets.removeAll()
        signalRelay = nil
        if epollFD >= 0 { close(epollFD); epollFD = -1 }
        sources.removeAll()
        var drained: UInt64 = 0
        _ = read(wakeupFD, &drained, 8)
    }

    @discardableResult
    private func watch(_ fd: Int32, as source: Source) -> UInt64 {
        let token = nextToken
        nextToken += 1
        sources[token] = source
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.u64 = token
        epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event)
        return token
    }

    private func unwatch(_ fd: Int32, token: UInt64) {
        epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil)
        sources[token] = nil
    }

    // MARK: events

    private func handle(_ source: Source) {
        switch source {
        case .signals:
            for _ in signalRelay?.drain() ?? [] {
                perform(machine.handle(.shutdownRequested, at: now()))
            }
        case .wakeup:
            var requests: UInt64 = 0
            if read(wakeupFD, &requests, 8) == 8 {
                for _ in 0..<min(requests, 2) { perform(machine.handle(.shutdownRequested, at: now())) }
            }
        case .notify(let index):
            for message in notifySockets[index].receiveAll() {
                perform(machine.handle(.notified(daemon: index, message: message), at: now()))
            }
        case .output(let pid):
            drainOutput(of: pid)
        case .exit:
            reapChildren()
        }
    }

    private func drainOutput(of pid: pid_t) {
        guard var child = children[pid] else { return }
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(child.output, $0.baseAddress, $0.count) }
            if count > 0 {
                let lines = buffer.withUnsafeBufferPointer { child.lines.append(UnsafeBufferPointer(rebasing: $0[..<count])) }
                lines.forEach(log)
                continue
            }
            if count < 0 && errno == EINTR { continue }
            if count == 0 {
                // End of stream: the child (and anything it started) closed its output.
                if let last = child.lines.finish() { log(last) }
                unwatch(child.output, token: child.outputToken)
            }
            break
        }
        children[pid] = child
    }

    private func reapChildren() {
        for pid in Array(children.keys) {
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            guard result == pid || (result < 0 && errno == ECHILD) else { continue }
            let exit = result == pid ? ChildExitStatus(waitStatus: status) : .exited(255)
            finish(pid)
            perform(machine.handle(.childExited(pid: pid, status: exit), at: now()))
        }
    }

    /// Cleans up after a reaped child: whatever it left in its process group is killed, its
    /// remaining output printed, its descriptors closed.
    private func finish(_ pid: pid_t) {
        kill(-pid, SIGKILL)
        drainOutput(of: pid)
        guard var child = children.removeValue(forKey: pid) else { return }
        if sources[child.outputToken] != nil {
            if let last = child.lines.finish() { log(last) }
            unwatch(child.output, token: child.outputToken)
        }
        close(child.output)
        if let (pidfd, token) = child.pidfd {
            unwatch(pidfd, token: token)
            close(pidfd)
        }
    }

    // MARK: actions

    private func perform(_ actions: [SupervisorStateMachine.Action]) {
        var queue = actions
        var next = 0
        while next < queue.count {
            let action = queue[next]
            next += 1
            switch action {
            case .spawn(let index):
                queue += machine.handle(spawn(index), at: now())
            case .signal(let pid, let signal):
                if kill(-pid, signal) != 0 { kill(pid, signal) }
            case .report(let line):
                log(linePrefix(options.reporterName, width: prefixWidth) + line)
            case .exit(let status):
                exitStatus = status
            }
        }
    }

    private func spawn(_ index: Int) -> SupervisorStateMachine.Event {
        let daemon = daemons[index]
        guard access(daemon.executable, X_OK) == 0 else {
            return .spawnFailed(daemon: index, reason: "cannot execute \(daemon.executable): \(String(cString: strerror(errno)))")
        }
        let pipe: (read: Int32, write: Int32)
        do { pipe = try makeOutputPipe() } catch {
            return .spawnFailed(daemon: index, reason: "\(error)")
        }
        let devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer {
            close(pipe.write)
            if devNull >= 0 { close(devNull) }
        }
        var environment = environment(for: index)
        let slot: Int32
        if daemon.sockets.isEmpty {
            slot = -1
        } else {
            slot = Int32(environment.count)
            environment.append("LISTEN_PID=" + String(repeating: "0", count: 20))
        }
        let argv = CStringArray([daemon.executable] + daemon.arguments)
        let envp = CStringArray(environment)
        let fds = daemon.sockets.map(\.fd)
        let pid = argv.pointers.withUnsafeBufferPointer { argvPointer in
            envp.pointers.withUnsafeBufferPointer { envpPointer in
                fds.withUnsafeBufferPointer { fdPointer in
                    shim_spawn(daemon.executable, argvPointer.baseAddress, envpPointer.baseAddress,
                               fdPointer.baseAddress, Int32(fds.count), devNull, pipe.write, pipe.write, slot, -1, -1)
                }
            }
        }
        guard pid > 0 else {
            close(pipe.read)
            return .spawnFailed(daemon: index, reason: "fork: \(String(cString: strerror(errno)))")
        }
        let prefix = linePrefix(daemon.name, width: prefixWidth)
        let outputToken = watch(pipe.read, as: .output(pid: pid))
        let pidfd = openPidfd(pid).map { ($0, watch($0, as: .exit(pid: pid))) }
        children[pid] = Child(output: pipe.read, outputToken: outputToken, pidfd: pidfd,
                              lines: OutputLines(prefix: prefix))
        return .spawned(daemon: index, pid: pid)
    }

    private static let systemdVariables: Set<String> = [
        "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID",
    ]

    /// "KEY=VALUE" strings: inherited, then the daemon's own, then the activation variables.
    private func environment(for index: Int) -> [String] {
        let daemon = daemons[index]
        var variables: [String: String] = [:]
        if options.inheritEnvironment {
            var entry = environ
            while let pointer = entry.pointee {
                let text = String(cString: pointer)
                if let equals = text.firstIndex(of: "=") {
                    variables[String(text[..<equals])] = String(text[text.index(after: equals)...])
                }
                entry += 1
            }
            for name in Self.systemdVariables { variables[name] = nil }
        }
        variables.merge(daemon.environment) { _, own in own }
        if !daemon.sockets.isEmpty {
            variables["LISTEN_FDS"] = String(daemon.sockets.count)
            variables["LISTEN_FDNAMES"] = daemon.sockets.map(\.name).joined(separator: ":")
        }
        variables["NOTIFY_SOCKET"] = notifySockets[index].path
        if let interval = options.watchdogInterval {
            let microseconds = interval.components.seconds * 1_000_000 + interval.components.attoseconds / 1_000_000_000_000
            variables["WATCHDOG_USEC"] = String(microseconds)
        }
        return variables.map { "\($0.key)=\($0.value)" }.sorted()
    }
}
