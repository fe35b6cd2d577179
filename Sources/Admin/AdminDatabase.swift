import Daemon
import Runtime
import Supervisor

/// Which database and Redis an administrator command works on: the configured ones, or else
/// (in a checkout with no configuration) those of a running `stockroom run` under `./.stockroom/`.
struct AdminDatabase {
    static let defaultStateDirectory = ".stockroom"

    let url: String
    let redisURL: String

    static func locate(stateDirectory: String?) throws -> AdminDatabase {
        let configuration = try Configuration.load()
        let configured = configuration.source(of: DatabaseSettings.urlKey) != .default
        if !configured, let running = DevelopmentServices.running(stateDirectory: stateDirectory ?? defaultStateDirectory) {
            return AdminDatabase(url: running.databaseURL, redisURL: running.redisURL)
        }
        return AdminDatabase(url: try DatabaseSettings(configuration).url,
                             redisURL: try configuration.string(RedisSettings.urlKey, default: RedisSettings.defaultURL))
    }
}
