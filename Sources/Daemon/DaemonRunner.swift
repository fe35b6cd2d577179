import Glibc

/// Runs a daemon's services under the systemd contract: READY=1 after start, SIGTERM/SIGINT drain,
/// SIGHUP reload, STOPPING=1, exit status 0 after a clean drain and 1 on failure.
public final class DaemonRunner {
    public let identifier: String
    public let logger: Logger
    public let notifier: Notifier
    /// The configuration in force (replaced on a successful reload).
    public private(set) var configuration: Configuration
    private let reloadConfiguration: () throws -> Configuration

    private let lock = Lock()
    private var events: [LifecycleStateMachine.Event] = []

    // State of `run`, touched only by the thread that called it.
    private var services: [DaemonService] = []
    private var machine = LifecycleStateMachine(serviceNames: [])
    private var stopTimeout: Duration = .seconds(90)
    private var stopDeadline: UInt64? = nil
    private var startFailed = false

    public init(identifier: String, logger: Logger, notifier: Notifier, configuration: Configuration,
                reloadConfiguration: @escaping () throws -> Configuration) {
        self.identifier = identifier
        self.logger = logger
        self.notifier = notifier
        self.configuration = configuration
        self.reloadConfiguration = reloadConfiguration
    }

    /// Blocks SIGTERM/SIGINT/SIGHUP, starts the services, sends READY=1, runs each service on its own thread
    /// and handles signals until the services have stopped; then exits the process.
    public func run(_ services: [DaemonService]) -> Never {
        let signals: SignalWaiter
        do {
            signals = try DaemonRunner.installSignalHandling()
            stopTimeout = try configuration.duration("stop_timeout", default: .seconds(90))
            logger.level = try configuration.logLevel(default: logger.level)
        } catch {
            fail("\(identifier): \(error)")
        }
        self.services = services
        machine = LifecycleStateMachine(serviceNames: services.map(\.name))
        signals.start { [self] number in post(.signal(number)) }

        var pending = [LifecycleStateMachine.Event.started]
        for service in services {
            do {
                try service.start()
                logger.debug("\(service.name) started")
            } catch {
                startFailed = true
                pending = [.startFailed(service: service.name, error: "\(error)")]
                break
            }
        }
        while true {
            for event in pending {
                for action in machine.handle(event) { perform(action) }
            }
            pending = nextEvents(deadline: stopDeadline)
        }
    }

    /// Blocks SIGTERM/SIGINT/SIGHUP and installs their handling; `run` does it too, but a daemon that starts
    /// threads (pools, clients) before `run` calls this first so those threads inherit the blocked mask.
    @discardableResult
    public static func installSignalHandling() throws -> SignalWaiter {
        try signalSetup.withLock {
            if let waiter = installedSignalWaiter { return waiter }
            let waiter = try SignalWaiter()
            installedSignalWaiter = waiter
            return waiter
        }
    }

    private static let signalSetup = Lock()
    nonisolated(unsafe) private static var installedSignalWaiter: SignalWaiter?

    private func perform(_ action: LifecycleStateMachine.Action) {
        switch action {
        case .notifyReady(let status):
            notifier.ready(status: status)
            logger.info("ready", ["STATUS": status])
        case .notifyStopping:
            notifier.stopping()
        case .notifyReloading:
            notifier.reloading()
        case .notifyStatus(let text):
            notifier.status(text)
        case .runServices:
            for (index, service) in services.enumerated() {
                startThread(name: service.name) { [self] in
                    do {
                        try service.run()
                        post(.serviceFinished(index: index, error: nil))
                    } catch {
                        post(.serviceFinished(index: index, error: "\(error)"))
                    }
                }
            }
        case .reload:
            for next in machine.handle(.reloadFinished(error: reload())) { perform(next) }
        case .beginShutdown(let indexes):
            for index in indexes where services.indices.contains(index) {
                services[index].beginShutdown()
            }
            logger.info("draining", ["SERVICES": indexes.filter { services.indices.contains($0) }.map { services[$0].name }.joined(separator: ",")])
        case .armStopTimeout:
            if stopDeadline == nil { stopDeadline = monotonicNanoseconds() + stopTimeout.nanoseconds }
        case .log(let level, let message):
            logger.log(level, message)
            // A daemon that cannot start says why on stderr too, for whoever started it by hand.
            if startFailed, !logger.writesToStderr, level >= .error {
                writeAll(STDERR_FILENO, "\(identifier): \(message)\n")
            }
        case .exit(let code):
            exit(code)
        }
    }

    /// Re-reads the configuration and hands it to the services; returns why it was refused, if it was.
    private func reload() -> String? {
        let fresh: Configuration
        let level: LogLevel
        do {
            fresh = try reloadConfiguration()
            level = try fresh.logLevel()
        } catch {
            return "\(error)"
        }
        configuration = fresh
        logger.level = level
        var failures: [String] = []
        for service in services {
            do {
                try service.reload(fresh)
            } catch {
                failures.append("\(service.name): \(error)")
            }
        }
        return failures.isEmpty ? nil : failures.joined(separator: "; ")
    }

    private func post(_ event: LifecycleStateMachine.Event) {
        lock.withLock {
            events.append(event)
            lock.broadcast()
        }
    }

    /// Waits for the next events, or for the stop deadline to pass.
    private func nextEvents(deadline: UInt64?) -> [LifecycleStateMachine.Event] {
        lock.withLock {
            while events.isEmpty {
                if !lock.wait(until: deadline) && events.isEmpty { return [.stopTimeoutExpired] }
            }
            defer { events.removeAll() }
            return events
        }
    }

    private func fail(_ message: String) -> Never {
        logger.critical(message)
        if !logger.writesToStderr { writeAll(STDERR_FILENO, message + "\n") }
        exit(1)
    }
}

/// Runs `body`; on an error prints "identifier: error" on stderr and exits with status 1.
/// For the setup a daemon does before `DaemonRunner.run` (configuration, sockets).
@discardableResult
public func orExit<T>(_ identifier: String, _ body: () throws -> T) -> T {
    do {
        return try body()
    } catch {
        writeAll(STDERR_FILENO, "\(identifier): \(error)\n")
        exit(1)
    }
}
