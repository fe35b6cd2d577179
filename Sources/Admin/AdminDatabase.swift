import Daemon
import Postgres
import Runtime
import Schema
import Supervisor

/// Which database and Redis an administrator command works on.
///
/// With a configuration file or a configured `database_url`: those. Otherwise (a checkout with no
/// configuration) the private development servers of `stockroom run` under `./.stockroom/`: those
/// of a running stack, or started for the length of the command (and migrated) when none runs.
final class AdminDatabase {
    static let defaultStateDirectory = ".stockroom"

    let url: String
    let redisURL: String
    /// The absolute state directory when these are the development servers, else nil.
    let developmentState: String?
    private let startedServices: DevelopmentServices?

    private init(url: String, redisURL: String, developmentState: String? = nil, startedServices: DevelopmentServices? = nil) {
        self.url = url
        self.redisURL = redisURL
        self.developmentState = developmentState
        self.startedServices = startedServices
    }

    /// `startIfNeeded: false` only looks (for `stockroom check`).
    static func locate(stateDirectory: String?, startIfNeeded: Bool = true) throws -> AdminDatabase {
        let configuration = try Configuration.load()
        guard usesDevelopmentServers(configuration) else {
            return AdminDatabase(url: try DatabaseSettings(configuration).url,
                                 redisURL: try configuration.string(RedisSettings.urlKey, default: RedisSettings.defaultURL))
        }
        let state = stateDirectory ?? defaultStateDirectory
        if let running = DevelopmentServices.running(stateDirectory: state) {
            return AdminDatabase(url: running.databaseURL, redisURL: running.redisURL,
                                 developmentState: try RunCommand.absolutePath(state))
        }
        guard startIfNeeded else {
            return AdminDatabase(url: DatabaseSettings.defaultURL, redisURL: RedisSettings.defaultURL)
        }
        let report: (String) -> Void = { print("stockroom: \($0)") }
        report("no configuration and no running `stockroom run`: starting the development servers in \(state) for this command")
        let services = try DevelopmentServices.start(stateDirectory: state, log: report)
        let database = AdminDatabase(url: services.databaseURL, redisURL: services.redisURL,
                                     developmentState: services.stateDirectory, startedServices: services)
        do {
            let pool = PostgresPool(url: services.databaseURL, maximumConnections: 1)
            defer { pool.close() }
            try Migrator(logger: { report($0) }).apply(Schema.migrations, using: pool)
        } catch {
            database.release()
            throw error
        }
        return database
    }

    /// True in a checkout with no configuration: no configuration file and no `database_url`.
    static func usesDevelopmentServers(_ configuration: Configuration) -> Bool {
        configuration.loadedFile == nil && configuration.source(of: DatabaseSettings.urlKey) == .default
    }

    /// Stops the development servers if this command started them.
    func release() {
        guard let startedServices else { return }
        do {
            try startedServices.stop()
        } catch {
            print("stockroom: stopping the development servers failed: \(error)")
        }
    }
}
