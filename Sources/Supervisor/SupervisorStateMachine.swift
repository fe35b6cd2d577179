import Glibc

/// What a supervisor does next, decided from events alone: no processes, no clocks.
///
/// Time is a `Duration` since any fixed origin (the I/O shell uses its start); the machine never
/// reads a clock. Rules, modelled on systemd with `Type=notify`, `Restart=always`:
/// - a daemon is "starting" from its spawn until it sends `READY=1`; with no `READY=1` within
///   `startTimeout` it gets `SIGTERM` and is restarted;
/// - a daemon that exits on its own (whatever its status) is restarted after a backoff that doubles
///   on each failure and resets once it has been ready for `backoff.resetAfter`;
/// - with a watchdog interval, a ready daemon that sends no `WATCHDOG=1` for that long (or sends
///   `WATCHDOG=trigger`) gets `SIGABRT` and is restarted; the watchdog is armed by `READY=1`;
/// - a daemon signalled to stop that is still alive after `stopTimeout` gets `SIGKILL`;
/// - on a shutdown request every daemon gets `SIGTERM`; a second request sends `SIGKILL` at once.
///   When all have exited the machine emits `.exit(status)`: 0 when every daemon stopped cleanly
///   (exit status 0, or death by the `SIGTERM` it was sent) without needing `SIGKILL`, 1 otherwise.
public struct SupervisorStateMachine {
    /// Where one daemon is in its life.
    public enum DaemonState: Equatable, Sendable {
        /// Not spawned yet.
        case notStarted
        /// A `.spawn` action was emitted; waiting for `.spawned` or `.spawnFailed`.
        case spawning
        /// Running, waiting for `READY=1`.
        case starting(pid: pid_t, since: Duration)
        /// Running and ready.
        case ready(pid: pid_t, since: Duration)
        /// Dead, to be spawned again at `until`.
        case backingOff(until: Duration)
        /// Signalled to stop; `SIGKILL` is due at `deadline` unless `killed` already.
        case stopping(pid: pid_t, deadline: Duration, killed: Bool)
        /// Stopped for good (during shutdown); `nil` if it was not running.
        case exited(ChildExitStatus?)
    }

    /// Inputs to the machine.
    public enum Event: Equatable, Sendable {
        /// Start every daemon.
        case startRequested
        /// The shell spawned daemon `daemon` (an index into the names) as `pid`.
        case spawned(daemon: Int, pid: pid_t)
        /// The shell could not spawn daemon `daemon`.
        case spawnFailed(daemon: Int, reason: String)
        /// A datagram arrived on daemon `daemon`'s notify socket.
        case notified(daemon: Int, message: NotifyMessage)
        /// `waitpid` reported that `pid` ended.
        case childExited(pid: pid_t, status: ChildExitStatus)
        /// Time passed; due timers fire.
        case tick
        /// Ctrl-C, `SIGTERM`, or an API request; the second one kills.
        case shutdownRequested
    }

    /// Outputs: what the shell must do, in order.
    public enum Action: Equatable, Sendable {
        /// Spawn daemon `daemon` and report `.spawned` or `.spawnFailed`.
        case spawn(daemon: Int)
        /// Send `signal` to the process group of `pid` (every daemon leads its own group).
        case signal(pid: pid_t, signal: Int32)
        /// Print a line for the developer.
        case report(String)
        /// Everything has stopped: exit with this status.
        case exit(status: Int32)
    }

    /// Timing and wording settings.
    public struct Configuration: Equatable, Sendable {
        /// The daemons' names; events and actions refer to them by index.
        public var names: [String]
        /// How long a daemon may take to send `READY=1`.
        public var startTimeout: Duration
        /// How long a daemon may take to exit after `SIGTERM` (or `SIGABRT`).
        public var stopTimeout: Duration
        /// `WATCHDOG_USEC`, if the daemons are watched.
        public var watchdogInterval: Duration?
        /// Restart delays.
        public var backoff: RestartBackoff
        /// Shown once every daemon is ready: "all 4 daemons ready on <address>".
        public var address: String?

        /// Settings for the daemons `names`.
        public init(names: [String], startTimeout: Duration = .seconds(30), stopTimeout: Duration = .seconds(10),
                    watchdogInterval: Duration? = nil, backoff: RestartBackoff = RestartBackoff(),
                    address: String? = nil) {
            self.names = names
            self.startTimeout = startTimeout
            self.stopTimeout = stopTimeout
            self.watchdogInterval = watchdogInterval
            self.backoff = backoff
            self.address = address
        }
    }

    private enum StopReason { case shutdown, startTimeout, watchdog }

    private struct Daemon {
        var state: DaemonState = .notStarted
        var failures = 0
        var everReady = false
        var reloading = false
        var lastWatchdog: Duration = .zero
        var status: String?
        var stopReason: StopReason = .shutdown
    }

    /// The settings the machine was made with.
    public let configuration: Configuration
    private var daemons: [Daemon]
    private var shuttingDown = false
    private var stoppedCleanly = true
    private var announcedAllReady = false
    private var finished = false

    /// A machine with every daemon not started.
    public init(configuration: Configuration) {
        self.configuration = configuration
        self.daemons = Array(repeating: Daemon(), count: configuration.names.count)
    }

    /// The state of daemon `index`.
    public func state(of index: Int) -> DaemonState { daemons[index].state }

    /// Whether a shutdown was requested.
    public var isShuttingDown: Bool { shuttingDown }

    /// The earliest time at which a `.tick` has something to do, if any.
    public var nextDeadline: Duration? {
        var earliest: Duration?
        func consider(_ time: Duration) { earliest = earliest.map { min($0, time) } ?? time }
        for daemon in daemons {
            switch daemon.state {
            case .backingOff(let until): if !shuttingDown { consider(until) }
            case .starting(_, let since): consider(since + configuration.startTimeout)
            case .ready:
                if let interval = configuration.watchdogInterval { consider(daemon.lastWatchdog + interval) }
            case .stopping(_, let deadline, let killed): if !killed { consider(deadline) }
            case .notStarted, .spawning, .exited: break
            }
        }
        return earliest
    }

    /// Feeds one event at time `now`; returns what to do, in order.
    public mutating func handle(_ event: Event, at now: Duration) -> [Action] {
        if finished { return [] }
        switch event {
        case .startRequested: return startAll()
        case .spawned(let index, let pid): return spawned(index, pid: pid, now: now)
        case .spawnFailed(let index, let reason): return spawnFailed(index, reason: reason, now: now)
        case .notified(let index, let message): return notified(index, message, now: now)
        case .childExited(let pid, let status): return exited(pid: pid, status: status, now: now)
        case .tick: return tick(now: now)
        case .shutdownRequested: return shutdown(now: now)
        }
    }

    private func name(_ index: Int) -> String { configuration.names[index] }

    private var readyCount: Int {
        daemons.filter { if case .ready = $0.state { return true } else { return false } }.count
    }

    private mutating func startAll() -> [Action] {
        guard !shuttingDown else { return [] }
        var actions: [Action] = []
        for index in daemons.indices where daemons[index].state == .notStarted {
            daemons[index].state = .spawning
            actions.append(.spawn(daemon: index))
        }
        return actions
    }

    private mutating func spawned(_ index: Int, pid: pid_t, now: Duration) -> [Action] {
        guard daemons.indices.contains(index), daemons[index].state == .spawning else { return [] }
        daemons[index].reloading = false
        daemons[index].status = nil
        if shuttingDown {
            daemons[index].state = .stopping(pid: pid, deadline: now + configuration.stopTimeout, killed: false)
            daemons[index].stopReason = .shutdown
            return [.signal(pid: pid, signal: SIGTERM)]
        }
        daemons[index].state = .starting(pid: pid, since: now)
        return [.report("started \(name(index)) (pid \(pid))")]
    }

    private mutating func spawnFailed(_ index: Int, reason: String, now: Duration) -> [Action] {
        guard daemons.indices.contains(index), daemons[index].state == .spawning else { return [] }
        if shuttingDown {
            daemons[index].state = .exited(nil)
            stoppedCleanly = false
            return [.report("\(name(index)) could not be started: \(reason)")] + finishIfAllStopped()
        }
        daemons[index].failures += 1
        let delay = configuration.backoff.delay(afterFailures: daemons[index].failures)
        daemons[index].state = .backingOff(until: now + delay)
        return [.report("\(name(index)) could not be started: \(reason); retrying in \(describe(delay))")]
    }

    private mutating func notified(_ index: Int, _ message: NotifyMessage, now: Duration) -> [Action] {
        guard daemons.indices.contains(index) else { return [] }
        var actions: [Action] = []
        if let status = message.status, status != daemons[index].status {
            daemons[index].status = status
            actions.append(.report("\(name(index)) status: \(status)"))
        }
        switch daemons[index].state {
        case .starting(let pid, _):
            if message.ready {
                daemons[index].state = .ready(pid: pid, since: now)
                daemons[index].lastWatchdog = now
                actions += becameReady(index)
            }
        case .ready(let pid, _):
            if message.watchdog { daemons[index].lastWatchdog = now }
            if message.reloading {
                daemons[index].reloading = true
                actions.append(.report("\(name(index)) is reloading"))
            }
            if message.ready && !message.reloading && daemons[index].reloading {
                daemons[index].reloading = false
                actions.append(.report("\(name(index)) finished reloading"))
            }
            if message.stopping && !shuttingDown {
                actions.append(.report("\(name(index)) is stopping"))
            }
            if message.watchdogTrigger {
                actions += abort(index, pid: pid, now: now, why: "asked for its watchdog to fire (WATCHDOG=trigger)")
            }
        case .notStarted, .spawning, .backingOff, .stopping, .exited:
            break
        }
        return actions
    }

    private mutating func becameReady(_ index: Int) -> [Action] {
        let total = daemons.count
        let again = daemons[index].everReady ? " again" : ""
        daemons[index].everReady = true
        var actions: [Action] = [.report("\(name(index)) is ready\(again) (\(readyCount) of \(total))")]
        if readyCount == total && !announcedAllReady {
            announcedAllReady = true
            let noun = total == 1 ? "daemon" : "daemons"
            let place = configuration.address.map { " on \($0)" } ?? ""
            actions.append(.report("all \(total) \(noun) ready\(place); press Ctrl-C to stop"))
        }
        return actions
    }

    private mutating func abort(_ index: Int, pid: pid_t, now: Duration, why: String) -> [Action] {
        daemons[index].state = .stopping(pid: pid, deadline: now + configuration.stopTimeout, killed: false)
        daemons[index].stopReason = .watchdog
        return [.report("\(name(index)) \(why): aborting it (SIGABRT)"), .signal(pid: pid, signal: SIGABRT)]
    }

    private mutating func exited(pid: pid_t, status: ChildExitStatus, now: Duration) -> [Action] {
        guard let index = daemons.indices.first(where: { pidOf(daemons[$0].state) == pid }) else { return [] }
        let previous = daemons[index].state
        if shuttingDown {
            daemons[index].state = .exited(status)
            let clean: Bool
            switch (previous, status) {
            case (.stopping(_, _, true), _): clean = false
            case (_, .exited(0)): clean = true
            case (.stopping, .signaled(SIGTERM)): clean = daemons[index].stopReason == .shutdown
            default: clean = false
            }
            if !clean { stoppedCleanly = false }
            let line = clean ? "\(name(index)) stopped" : "\(name(index)) \(status) while stopping"
            return [.report(line)] + finishIfAllStopped()
        }
        var ranLongEnough = false
        if case .ready(_, let since) = previous, now - since >= configuration.backoff.resetAfter {
            ranLongEnough = true
        }
        daemons[index].failures = ranLongEnough ? 1 : daemons[index].failures + 1
        let delay = configuration.backoff.delay(afterFailures: daemons[index].failures)
        daemons[index].state = .backingOff(until: now + delay)
        return [.report("\(name(index)) \(status); restarting in \(describe(delay))")]
    }

    private func pidOf(_ state: DaemonState) -> pid_t? {
        switch state {
        case .starting(let pid, _), .ready(let pid, _), .stopping(let pid, _, _): return pid
        case .notStarted, .spawning, .backingOff, .exited: return nil
        }
    }

    private mutating func tick(now: Duration) -> [Action] {
        var actions: [Action] = []
        for index in daemons.indices {
            switch daemons[index].state {
            case .backingOff(let until) where !shuttingDown && now >= until:
                daemons[index].state = .spawning
                actions.append(.spawn(daemon: index))
            case .starting(let pid, let since) where now >= since + configuration.startTimeout:
                daemons[index].state = .stopping(pid: pid, deadline: now + configuration.stopTimeout, killed: false)
                daemons[index].stopReason = .startTimeout
                actions.append(.report(
                    "\(name(index)) did not report READY=1 within \(describe(configuration.startTimeout)): stopping it"))
                actions.append(.signal(pid: pid, signal: SIGTERM))
            case .ready(let pid, _):
                if let interval = configuration.watchdogInterval, now >= daemons[index].lastWatchdog + interval {
                    actions += abort(index, pid: pid, now: now, why: "sent no WATCHDOG=1 for \(describe(interval))")
                }
            case .stopping(let pid, let deadline, false) where now >= deadline:
                daemons[index].state = .stopping(pid: pid, deadline: deadline, killed: true)
                if shuttingDown { stoppedCleanly = false }
                actions.append(.report(
                    "\(name(index)) did not stop within \(describe(configuration.stopTimeout)): killing it (SIGKILL)"))
                actions.append(.signal(pid: pid, signal: SIGKILL))
            default:
                break
            }
        }
        return actions
    }

    private mutating func shutdown(now: Duration) -> [Action] {
        if shuttingDown { return killAll() }
        shuttingDown = true
        var actions: [Action] = []
        var stopping: [String] = []
        for index in daemons.indices {
            switch daemons[index].state {
            case .starting(let pid, _), .ready(let pid, _):
                daemons[index].state = .stopping(pid: pid, deadline: now + configuration.stopTimeout, killed: false)
                daemons[index].stopReason = .shutdown
                stopping.append(name(index))
                actions.append(.signal(pid: pid, signal: SIGTERM))
            case .stopping:
                stopping.append(name(index))
            case .notStarted, .backingOff:
                daemons[index].state = .exited(nil)
            case .spawning, .exited:
                break
            }
        }
        if !stopping.isEmpty {
            actions.insert(.report("stopping \(stopping.joined(separator: ", ")) (Ctrl-C again to kill)"), at: 0)
        }
        return actions + finishIfAllStopped()
    }

    private mutating func killAll() -> [Action] {
        var actions: [Action] = []
        for index in daemons.indices {
            if case .stopping(let pid, let deadline, false) = daemons[index].state {
                daemons[index].state = .stopping(pid: pid, deadline: deadline, killed: true)
                stoppedCleanly = false
                actions.append(.report("killing \(name(index)) (SIGKILL)"))
                actions.append(.signal(pid: pid, signal: SIGKILL))
            }
        }
        return actions
    }

    private mutating func finishIfAllStopped() -> [Action] {
        let allStopped = daemons.allSatisfy { if case .exited = $0.state { return true } else { return false } }
        guard shuttingDown, allStopped, !finished else { return [] }
        finished = true
        let status: Int32 = stoppedCleanly ? 0 : 1
        return [.report(stoppedCleanly ? "all daemons stopped" : "all daemons stopped, not all cleanly"),
                .exit(status: status)]
    }
}
