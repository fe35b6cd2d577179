import Glibc

/// The decisions of `DaemonRunner`: events (signals, services ending, timeouts) in, actions out.
public struct LifecycleStateMachine {
    public enum State: Equatable {
        case starting
        case running
        case reloading
        /// Draining after a signal or a failure; `exitCode` is what the process exits with once all are done.
        case stopping(exitCode: Int32)
        case exited(Int32)
    }

    public enum Event: Equatable {
        /// Every service's `start()` returned.
        case started
        case startFailed(service: String, error: String)
        case signal(Int32)
        /// The reload ended; `error` says why the new configuration was refused.
        case reloadFinished(error: String?)
        /// Service number `index` returned from `run()` (`error` if it threw).
        case serviceFinished(index: Int, error: String?)
        case stopTimeoutExpired
    }

    public enum Action: Equatable {
        case notifyReady(status: String)
        case notifyStopping
        case notifyReloading
        case notifyStatus(String)
        case runServices
        /// Re-read the configuration and hand it to the services, then report `.reloadFinished`.
        case reload
        /// Call `beginShutdown()` on the services with these indexes.
        case beginShutdown([Int])
        case armStopTimeout
        case log(LogLevel, String)
        case exit(Int32)
    }

    public private(set) var state: State = .starting
    private let serviceNames: [String]
    private var runningServices: Set<Int> = []
    /// A stop asked for before the services were running (a signal during `start()`).
    private var pendingStop = false

    public init(serviceNames: [String]) {
        self.serviceNames = serviceNames
    }

    public mutating func handle(_ event: Event) -> [Action] {
        switch (state, event) {
        case (.starting, .started):
            if serviceNames.isEmpty {
                state = .exited(0)
                return [.exit(0)]
            }
            runningServices = Set(serviceNames.indices)
            state = .running
            var actions: [Action] = [.runServices, .notifyReady(status: "running: " + serviceNames.joined(separator: ", "))]
            if pendingStop { actions += beginStopping(exitCode: 0, reason: "stopping: a signal arrived during start") }
            return actions
        case (.starting, .startFailed(let service, let error)):
            state = .exited(1)
            return [.log(.critical, "\(service) failed to start: \(error)"), .exit(1)]
        case (.starting, .signal(let number)):
            if number == SIGTERM || number == SIGINT { pendingStop = true }
            return []

        case (.running, .signal(let number)) where number == SIGTERM || number == SIGINT:
            return beginStopping(exitCode: 0, reason: "stopping on \(signalName(number))")
        case (.running, .signal(SIGHUP)):
            state = .reloading
            return [.log(.info, "reloading on SIGHUP"), .notifyReloading, .reload]
        case (.reloading, .reloadFinished(let error)):
            state = .running
            var actions: [Action] = []
            if let error { actions.append(.log(.error, "reload failed, keeping the previous configuration: \(error)")) }
            else { actions.append(.log(.info, "reloaded")) }
            actions.append(.notifyReady(status: "running: " + serviceNames.joined(separator: ", ")))
            return actions
        case (.reloading, .signal(let number)) where number == SIGTERM || number == SIGINT:
            return beginStopping(exitCode: 0, reason: "stopping on \(signalName(number))")
        case (.running, .serviceFinished(let index, let error)), (.reloading, .serviceFinished(let index, let error)):
            runningServices.remove(index)
            let how = error.map { "failed: \($0)" } ?? "stopped unexpectedly"
            var actions: [Action] = [.log(.critical, "\(name(index)) \(how)")]
            actions += beginStopping(exitCode: 1, reason: "stopping: \(name(index)) ended")
            return actions

        case (.stopping(let exitCode), .serviceFinished(let index, let error)):
            runningServices.remove(index)
            var actions: [Action] = []
            var code = exitCode
            if let error {
                actions.append(.log(.error, "\(name(index)) failed while stopping: \(error)"))
                code = 1
            }
            if runningServices.isEmpty {
                state = .exited(code)
                actions += [.log(.info, "stopped"), .exit(code)]
            } else {
                state = .stopping(exitCode: code)
            }
            return actions
        case (.stopping, .signal(SIGINT)):
            state = .exited(1)
            return [.log(.warning, "second SIGINT: exiting without waiting for the drain"), .exit(1)]
        case (.stopping, .stopTimeoutExpired):
            state = .exited(1)
            let waiting = runningServices.sorted().map(name).joined(separator: ", ")
            return [.log(.error, "stop timeout: still running: \(waiting); exiting"), .exit(1)]

        default:
            return []
        }
    }

    private mutating func beginStopping(exitCode: Int32, reason: String) -> [Action] {
        state = .stopping(exitCode: exitCode)
        var actions: [Action] = [.log(.info, reason), .notifyStopping, .notifyStatus(reason)]
        if runningServices.isEmpty {
            state = .exited(exitCode)
            return actions + [.exit(exitCode)]
        }
        actions += [.beginShutdown(runningServices.sorted()), .armStopTimeout]
        return actions
    }

    private func name(_ index: Int) -> String {
        serviceNames.indices.contains(index) ? serviceNames[index] : "service \(index)"
    }
}

/// "SIGTERM" for 15, and so on for the signals a daemon handles.
func signalName(_ number: Int32) -> String {
    switch number {
    case SIGTERM: return "SIGTERM"
    case SIGINT: return "SIGINT"
    case SIGHUP: return "SIGHUP"
    default: return "signal \(number)"
    }
}
