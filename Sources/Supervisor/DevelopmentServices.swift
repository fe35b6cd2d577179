import Glibc

/// Where a running development stack's servers are reached.
public struct DevelopmentServiceURLs: Equatable, Sendable {
    /// `postgresql://postgres@/stockroom?host=<socket directory>`
    public let databaseURL: String
    /// `unix://<state>/redis/redis.sock`
    public let redisURL: String
}

/// The private PostgreSQL cluster and Redis server that `stockroom run` starts when no database is
/// configured: under a state directory (`./.stockroom/` by default), on unix sockets only, reused
/// from one run to the next (initdb happens once), stopped by `stop()`.
///
/// Layout: `postgres/` (cluster; see `PrivatePostgres` for root), `redis/`, `log/` (output of
/// each helper command), `run.lock` (held while a stack owns the servers).
public final class DevelopmentServices {
    /// The absolute state directory.
    public let stateDirectory: String
    /// libpq URL of the `stockroom` database.
    public var databaseURL: String { postgres.url }
    /// Redis URL of the private server's socket.
    public var redisURL: String { redis.url }
    /// Directory of PostgreSQL's unix socket.
    public var postgresSocketDirectory: String { postgres.socketDirectory }
    /// Path of Redis's unix socket.
    public var redisSocket: String { redis.socketPath }

    private let postgres: PrivatePostgres
    private let redis: PrivateRedis
    private var lockFD: Int32
    private let log: (String) -> Void

    private init(stateDirectory: String, postgres: PrivatePostgres, redis: PrivateRedis, lockFD: Int32,
                 log: @escaping (String) -> Void) {
        self.stateDirectory = stateDirectory
        self.postgres = postgres
        self.redis = redis
        self.lockFD = lockFD
        self.log = log
    }

    deinit { if lockFD >= 0 { close(lockFD) } }

    /// Creates (the first time) and starts both servers, or adopts servers a crashed run left running.
    /// Fails if another process holds the state directory's lock.
    public static func start(stateDirectory: String, log: @escaping (String) -> Void = { _ in }) throws -> DevelopmentServices {
        try makeDirectories(stateDirectory, mode: 0o755)
        guard let resolved = realpath(stateDirectory, nil) else { throw SupervisorError.system("realpath \(stateDirectory)") }
        let state = String(cString: resolved)
        free(resolved)
        let lockPath = state + "/run.lock"
        let lockFD = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lockFD >= 0 else { throw SupervisorError.system("open \(lockPath)") }
        guard flock(lockFD, LOCK_EX | LOCK_NB) == 0 else {
            close(lockFD)
            throw SupervisorError("another `stockroom run` is using \(state) (it holds \(lockPath)): stop it first")
        }
        do {
            try makeDirectories(state + "/log", mode: 0o755)
            let runner = CommandRunner(logDirectory: state + "/log")
            let postgres = try PrivatePostgres.locate(stateDirectory: state, runner: runner)
            let redis = PrivateRedis(directory: state + "/redis", runner: runner)
            let services = DevelopmentServices(stateDirectory: state, postgres: postgres, redis: redis, lockFD: lockFD, log: log)
            _ = try postgres.start(stateDirectory: state, log: log)
            do {
                _ = try redis.start(log: log)
            } catch {
                try? postgres.stop()
                throw error
            }
            return services
        } catch {
            close(lockFD)
            throw error
        }
    }

    /// Stops both servers (PostgreSQL with a fast shutdown, Redis with SIGTERM) and releases the lock.
    /// Both are stopped even if one fails; the first failure is thrown.
    public func stop() throws {
        var failure: Error?
        log("stopping Redis")
        do { try redis.stop() } catch { failure = error }
        log("stopping PostgreSQL")
        do { try postgres.stop() } catch { failure = failure ?? error }
        if lockFD >= 0 {
            close(lockFD)
            lockFD = -1
        }
        if let failure { throw failure }
    }

    /// The URLs of a stack already running on `stateDirectory` (both servers up), or nil; lets an
    /// administrator command use the servers of a running `stockroom run`.
    public static func running(stateDirectory: String) -> DevelopmentServiceURLs? {
        guard let resolved = realpath(stateDirectory, nil) else { return nil }
        let state = String(cString: resolved)
        free(resolved)
        let runner = CommandRunner(logDirectory: state + "/log")
        guard let postgres = try? PrivatePostgres.locate(stateDirectory: state, runner: runner),
              postgres.runningPid != nil, fileExists(postgres.socketDirectory + "/.s.PGSQL.5432") else { return nil }
        let redis = PrivateRedis(directory: state + "/redis", runner: runner)
        guard redis.runningPid != nil, redis.ping() else { return nil }
        return DevelopmentServiceURLs(databaseURL: postgres.url, redisURL: redis.url)
    }
}
