import Daemon
import Glibc
import Postgres
import Runtime
import Schema
import Supervisor

/// `stockroom run`: the whole stack in one terminal, for development. It does what systemd does in
/// production, through the same code paths: binds the listening sockets and passes them to the
/// daemons as LISTEN_FDS, waits for each READY=1, restarts a daemon that dies, and stops them all
/// on Ctrl-C. With no database configured it runs a private PostgreSQL and Redis in the state
/// directory.
enum RunCommand {
    static func main(_ arguments: [String]) throws -> Int32 {
        let options = try CommandOptions(arguments, valued: ["port", "host", "state-dir", "workers"])
        let port = try options.int("port", default: 8000, range: 1...65535)
        let host = options.value("host") ?? "127.0.0.1"
        let workers = try options.int("workers", default: 1, range: 1...64)
        let stateDirectory = try absolutePath(options.value("state-dir") ?? AdminDatabase.defaultStateDirectory)
        let runtimeDirectory = stateDirectory + "/run"
        try makeDirectory(stateDirectory)
        try makeDirectory(runtimeDirectory)

        let report: (String) -> Void = { line in
            let text = "run    | " + line + "\n"
            _ = text.withCString { write(STDOUT_FILENO, $0, strlen($0)) }
        }
        let configuration = try Configuration.load()
        // A configured media root is the one `stockroom import-inventree` wrote into; otherwise the state directory's.
        let mediaRoot = configuration.source(of: ImportCommand.mediaRootKey) == .default ? stateDirectory + "/media"
            : try configuration.string(ImportCommand.mediaRootKey, default: ImportCommand.defaultMediaRoot)
        try makeDirectory(mediaRoot)
        var services: DevelopmentServices? = nil
        var databaseURL = try DatabaseSettings(configuration).url
        var redisURL = try configuration.string(RedisSettings.urlKey, default: RedisSettings.defaultURL)
        if AdminDatabase.usesDevelopmentServers(configuration) {
            report("no configuration file and no database_url: starting a private PostgreSQL and Redis in \(stateDirectory)")
            let started = try DevelopmentServices.start(stateDirectory: stateDirectory, log: report)
            services = started
            databaseURL = started.databaseURL
            redisURL = started.redisURL
        }
        defer {
            if let services {
                do { try services.stop() } catch { report("stopping the private servers failed: \(error)") }
            }
        }

        let pool = PostgresPool(url: databaseURL, maximumConnections: 1)
        let applied = try Migrator(logger: { report($0) }).apply(Schema.migrations, using: pool)
        pool.close()
        report(applied.isEmpty ? "database schema at version \(Schema.version)" : "applied migrations \(applied)")

        let address = ListenAddress.tcp(host: host, port: port)
        let sockets = try StackSockets(address: address, runtimeDirectory: runtimeDirectory, workers: workers)
        defer { sockets.close() }
        var environment = [
            "STOCKROOM_DATABASE_URL": databaseURL,
            "STOCKROOM_REDIS_URL": redisURL,
            "STOCKROOM_WEB_SOCKET": sockets.webPath,
            "STOCKROOM_STATE_DIR": stateDirectory,
            "STOCKROOM_MEDIA_ROOT": mediaRoot,
        ]
        let directory = try executableDirectory()
        if configuration.source(of: "static_root") == .default, let checkout = checkoutDirectory(startingAt: [directory, try absolutePath(".")]) {
            environment["STOCKROOM_STATIC_ROOT"] = checkout + "/static"
        }
        let daemons = sockets.daemons.map { entry in
            SupervisedDaemon(name: entry.name, executable: directory + "/" + entry.executable,
                             sockets: entry.sockets, environment: environment)
        }
        let url = "http://\(address)"
        report("starting \(daemons.count) daemons; Stockroom will be on \(url) — press Ctrl-C to stop")
        let supervisor = try Supervisor(
            daemons: daemons,
            options: SupervisorOptions(runtimeDirectory: runtimeDirectory, watchdogInterval: .seconds(20), address: url),
            log: { line in
                let text = line.hasSuffix("\n") ? line : line + "\n"
                _ = text.withCString { write(STDOUT_FILENO, $0, strlen($0)) }
            })
        return try supervisor.run()
    }

    static func executableDirectory() throws -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { throw RuntimeError("cannot find this program's own path (/proc/self/exe)") }
        let path = String(cString: buffer)
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }

    /// The source checkout this program was built in or is run from (a directory with Package.swift
    /// and static/), searched upwards from each of `starts`; its static/ is the development static root.
    static func checkoutDirectory(startingAt starts: [String]) -> String? {
        for start in starts {
            var directory = start
            while !directory.isEmpty {
                if access(directory + "/Package.swift", F_OK) == 0 && isDirectory(directory + "/static") { return directory }
                guard let slash = directory.lastIndex(of: "/") else { break }
                directory = String(directory[..<slash])
            }
        }
        return nil
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func absolutePath(_ path: String) throws -> String {
        if path.hasPrefix("/") { return path }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { throw RuntimeError("cannot read the current directory") }
        return String(cString: buffer) + "/" + path
    }

    static func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw RuntimeError("cannot create \(path): \(String(cString: strerror(errno)))")
        }
    }
}
