/// One program the supervisor runs and restarts: the development stand-in for a systemd service.
public struct SupervisedDaemon {
    /// Short name used in log prefixes and reports ("proxy", "web").
    public var name: String
    /// Absolute path of the executable.
    public var executable: String
    /// Arguments after argv[0] (argv[0] is the executable's path).
    public var arguments: [String]
    /// Already-bound listening sockets, passed as fds 3, 4, ... with `LISTEN_FDNAMES` from their names.
    public var sockets: [(name: String, fd: Int32)]
    /// Extra environment variables (`STOCKROOM_DATABASE_URL`, ...).
    public var environment: [String: String]

    /// A daemon description.
    public init(name: String, executable: String, arguments: [String] = [],
                sockets: [(name: String, fd: Int32)] = [], environment: [String: String] = [:]) {
        self.name = name
        self.executable = executable
        self.arguments = arguments
        self.sockets = sockets
        self.environment = environment
    }
}

/// How the supervisor times, restarts and talks to its daemons.
public struct SupervisorOptions {
    /// How long a daemon may take to send `READY=1` before it is stopped and restarted.
    public var startTimeout: Duration
    /// How long a daemon may take to exit after `SIGTERM` before it gets `SIGKILL`.
    public var stopTimeout: Duration
    /// Passed as `WATCHDOG_USEC`; a ready daemon silent for this long is aborted and restarted.
    public var watchdogInterval: Duration?
    /// Restart delays for daemons that die.
    public var restartBackoff: RestartBackoff
    /// Where the per-daemon notify sockets are created (created if missing).
    public var runtimeDirectory: String
    /// Shown when all daemons are ready, e.g. "http://127.0.0.1:8000".
    public var address: String?
    /// Whether children inherit this process's environment (minus systemd's variables) below their own.
    public var inheritEnvironment: Bool
    /// Whether `SIGINT` and `SIGTERM` to this process request a shutdown while `run()` runs
    /// (a second one kills); the previous handlers are restored when it returns.
    public var handleSignals: Bool
    /// The name in the prefix of the supervisor's own report lines.
    public var reporterName: String

    /// Options; `runtimeDirectory` is the only one without a default.
    public init(runtimeDirectory: String, startTimeout: Duration = .seconds(30), stopTimeout: Duration = .seconds(10),
                watchdogInterval: Duration? = nil, restartBackoff: RestartBackoff = RestartBackoff(),
                address: String? = nil, inheritEnvironment: Bool = true, handleSignals: Bool = true,
                reporterName: String = "run") {
        self.runtimeDirectory = runtimeDirectory
        self.startTimeout = startTimeout
        self.stopTimeout = stopTimeout
        self.watchdogInterval = watchdogInterval
        self.restartBackoff = restartBackoff
        self.address = address
        self.inheritEnvironment = inheritEnvironment
        self.handleSignals = handleSignals
        self.reporterName = reporterName
    }
}
