import Daemon
import Glibc
import Postgres
import Redis
import Schema

/// What every Stockroom daemon sets up before it serves: signal handling, configuration, logging,
/// sd_notify, its activated sockets, and its connections to PostgreSQL and Redis.
///
/// Each step that fails stops the daemon with a message that says what is wrong and exit status 1,
/// which systemd (or `stockroom run`) reports and acts on.
public final class DaemonContext {
    /// `stockroom-web`, `stockroom-proxy`, ...
    public let identifier: String
    public let configuration: Configuration
    public let logger: Logger
    public let notifier: Notifier
    public let watchdog: Watchdog
    private let sockets: ActivatedSockets
    private let listenArguments: [String: ListenAddress]

    /// Sets up everything that needs no server; call first in `main`, before any thread starts.
    public static func boot(identifier: String, arguments: [String] = CommandLine.arguments) -> DaemonContext {
        let options = Array(arguments.dropFirst())
        if options.contains("--help") || options.contains("-h") {
            print(DaemonContext.usage(identifier))
            exit(0)
        }
        if options.contains("--version") {
            print("\(identifier) \(StockroomVersion.current)")
            exit(0)
        }
        orExit(identifier) { try DaemonRunner.installSignalHandling() }
        OpenFileLimit.raiseToHardLimit()
        let configuration = orExit(identifier) { try Configuration.load() }
        let logger = Logger(identifier: identifier, level: orExit(identifier) { try configuration.logLevel() })
        let notifier = Notifier.fromEnvironment()
        let listenArguments = orExit(identifier) { try ListenAddress.fromArguments(options) }
        let sockets = orExit(identifier) { try ActivatedSockets.fromEnvironment() }
        return DaemonContext(identifier: identifier, configuration: configuration, logger: logger, notifier: notifier,
                             sockets: sockets, listenArguments: listenArguments)
    }

    private init(identifier: String, configuration: Configuration, logger: Logger, notifier: Notifier,
                 sockets: ActivatedSockets, listenArguments: [String: ListenAddress]) {
        self.identifier = identifier
        self.configuration = configuration
        self.logger = logger
        self.notifier = notifier
        self.watchdog = Watchdog(notifier: notifier)
        self.sockets = sockets
        self.listenArguments = listenArguments
    }

    /// The listening socket called `name`: from systemd, or bound from `--listen NAME=ADDRESS`.
    public func listener(_ name: String) -> Int32 {
        orExit(identifier) { try sockets.require(name, fallback: listenArguments[name]) }
    }

    /// A pool to the configured database, after checking that its schema is the one this code needs.
    public func database() -> PostgresPool {
        let settings = orExit(identifier) { try DatabaseSettings(configuration) }
        let logger = self.logger
        let pool = PostgresPool(settings.poolConfiguration, logger: { logger.warning($0) })
        notifier.status("checking the database schema")
        orExit(identifier) {
            do {
                try Migrator().check(expected: Schema.version, using: pool)
            } catch let error as PostgresError where error.isConnectionError {
                throw RuntimeError("cannot reach the database (database_url from \(configuration.source(of: DatabaseSettings.urlKey))): \(error.message)")
            }
        }
        return pool
    }

    /// A pool to the configured Redis. Redis holds only what may be lost, so a Redis that is down
    /// is a warning here, not a failure: every reader falls back to PostgreSQL.
    public func redis() -> RedisPool {
        let settings = orExit(identifier) { try RedisSettings(configuration) }
        let logger = self.logger
        let pool = orExit(identifier) {
            try RedisPool(configuration: settings.poolConfiguration, log: { logger.notice($0) })
        }
        do {
            try pool.ping()
        } catch {
            logger.warning("Redis is not reachable (\(error)); serving without the cache until it is")
        }
        return pool
    }

    /// Runs `services` under the systemd contract until SIGTERM; never returns.
    public func run(_ services: [DaemonService]) -> Never {
        let runner = DaemonRunner(identifier: identifier, logger: logger, notifier: notifier,
                                  configuration: configuration, reloadConfiguration: { try Configuration.load() })
        runner.run(services)
    }

    static func usage(_ identifier: String) -> String {
        """
        usage: \(identifier) [--listen NAME=ADDRESS]...

        Started by systemd, which passes its listening sockets (LISTEN_FDS) and NOTIFY_SOCKET.
        Configuration: /etc/stockroom/stockroom.conf (or $STOCKROOM_CONFIG), overridden by STOCKROOM_* variables.
        --listen NAME=ADDRESS binds socket NAME itself (development only), e.g. http=127.0.0.1:8000 or web=unix:/tmp/web.sock
        """
    }
}
