/// One part of a daemon that `DaemonRunner` starts, runs on its own thread, reloads and drains.
public protocol DaemonService: AnyObject {
    /// A short name for logs ("http", "tasks").
    var name: String { get }
    /// Opens what the service needs; `READY=1` is sent after every service's `start()` returned.
    func start() throws
    /// Serves, blocking; returns after `beginShutdown()` once in-flight work is finished.
    func run() throws
    /// Stops accepting new work and lets `run()` finish what is in flight; called from another thread.
    func beginShutdown()
    /// Applies a reloaded configuration (SIGHUP); throwing keeps the service on its old configuration.
    func reload(_ configuration: Configuration) throws
}

extension DaemonService {
    public func reload(_ configuration: Configuration) throws {}
}
