import Glibc

/// A private PostgreSQL cluster for development, reachable only on a unix socket.
///
/// Layout under its directory: `data/` (the cluster), `socket/` (the unix socket), `postgres.log`.
/// PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` account and
/// every server command runs as it. If that account cannot reach the state directory (a checkout
/// under /root, mode 700), the cluster lives in `~postgres/stockroom-dev/<hash of the state
/// directory>/` instead and `<state>/postgres` is a symbolic link to it.
struct PrivatePostgres {
    /// The database `stockroom run` uses.
    static let databaseName = "stockroom"

    let directory: String
    let binDirectory: String
    let account: Account?
    let runner: CommandRunner

    var dataDirectory: String { directory + "/data" }
    var socketDirectory: String { directory + "/socket" }
    var url: String { "postgresql://postgres@/\(Self.databaseName)?host=\(socketDirectory)" }

    /// The newest `/usr/lib/postgresql/<version>/bin` that has `initdb`.
    static func findBinaries() throws -> String {
        guard let dir = opendir("/usr/lib/postgresql") else {
            throw SupervisorError("PostgreSQL is not installed (no /usr/lib/postgresql): run `make deps` or apt install postgresql")
        }
        defer { closedir(dir) }
        var versions: [(Int, String)] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            let bin = "/usr/lib/postgresql/\(name)/bin"
            if let major = Int(name.split(separator: ".").first ?? ""), access(bin + "/initdb", X_OK) == 0 {
                versions.append((major, bin))
            }
        }
        guard let newest = versions.max(by: { $0.0 < $1.0 }) else {
            throw SupervisorError("no PostgreSQL server binaries (initdb) under /usr/lib/postgresql/*/bin: apt install postgresql")
        }
        return newest.1
    }

    /// Chooses where the cluster of `stateDirectory` lives and who runs it; creates nothing yet.
    static func locate(stateDirectory: String, runner: CommandRunner) throws -> PrivatePostgres {
        let bin = try findBinaries()
        let link = stateDirectory + "/postgres"
        guard getuid() == 0 else {
            return PrivatePostgres(directory: link, binDirectory: bin, account: nil, runner: runner)
        }
        guard let postgres = Account.named("postgres") else {
            throw SupervisorError("running as root, but there is no `postgres` account to run PostgreSQL as (PostgreSQL refuses root): install the postgresql package or run as an ordinary user")
        }
        var directory = link
        if let target = symbolicLinkTarget(link) {
            directory = target
        } else if !fileExists(link), postgres.firstUnreachableDirectory(on: stateDirectory) != nil {
            directory = postgres.home + "/stockroom-dev/" + stableHash(stateDirectory)
        }
        return PrivatePostgres(directory: directory, binDirectory: bin, account: postgres, runner: runner)
    }

    /// Whether the cluster exists (initdb has run).
    var exists: Bool { fileExists(dataDirectory + "/PG_VERSION") }

    /// The postmaster's pid if it is running.
    var runningPid: pid_t? {
        guard let text = try? readFile(dataDirectory + "/postmaster.pid"),
              let first = text.split(separator: "\n").first, let pid = pid_t(first), processIsAlive(pid)
        else { return nil }
        return pid
    }

    /// Creates the cluster the first time, starts it unless it is already running, and creates
    /// the `stockroom` database if it is missing. Returns whether this call started the server.
    func start(stateDirectory: String, log: (String) -> Void) throws -> Bool {
        try prepareDirectories(stateDirectory: stateDirectory)
        if !exists {
            log("creating a PostgreSQL cluster in \(dataDirectory)")
            try runner.run("initdb", [binDirectory + "/initdb", "-D", dataDirectory, "-U", "postgres", "--auth=trust",
                                      "-E", "UTF8", "--locale=C.UTF-8"], as: account, in: directory)
            let settings = try readFile(dataDirectory + "/postgresql.conf")
            try writeFile(dataDirectory + "/postgresql.conf",
                          settings + "\n# stockroom run: sockets only, settings in stockroom-dev.conf\ninclude_if_exists = 'stockroom-dev.conf'\n")
        }
        // Rewritten each time so that a moved state directory still gets the right socket path.
        try writeFile(dataDirectory + "/stockroom-dev.conf", """
            listen_addresses = ''
            unix_socket_directories = '\(socketDirectory)'
            unix_socket_permissions = 0777

            """)
        try giveToAccount(dataDirectory + "/stockroom-dev.conf")
        var started = false
        if runningPid == nil {
            log("starting PostgreSQL (socket in \(socketDirectory))")
            try runner.run("pg_ctl-start", [binDirectory + "/pg_ctl", "-D", dataDirectory, "-l", directory + "/postgres.log",
                                            "-w", "-t", "60", "start"], as: account, in: directory)
            started = true
        } else {
            log("reusing the PostgreSQL server already running on \(dataDirectory)")
        }
        let check = try runner.run("psql-check", [
            binDirectory + "/psql", "-X", "-h", socketDirectory, "-U", "postgres", "-d", "postgres", "-tA", "-c",
            "SELECT count(*) FROM pg_database WHERE datname = '\(Self.databaseName)'"], in: directory)
        if trimmed(check.output) == "0" {
            try runner.run("createdb", [binDirectory + "/createdb", "-h", socketDirectory, "-U", "postgres", Self.databaseName],
                           in: directory)
        }
        return started
    }

    /// Stops the server (fast shutdown: open sessions are ended, the data is consistent).
    func stop() throws {
        guard let pid = runningPid else { return }
        try runner.run("pg_ctl-stop", [binDirectory + "/pg_ctl", "-D", dataDirectory, "-m", "fast", "-w", "-t", "60", "stop"],
                       as: account, in: directory)
        // pg_ctl returns once the pid file is gone, a moment before the postmaster has exited.
        guard waitForExit(of: pid, seconds: 10) else {
            throw SupervisorError("PostgreSQL (pid \(pid)) was still running 10s after pg_ctl stop")
        }
    }

    private func prepareDirectories(stateDirectory: String) throws {
        let link = stateDirectory + "/postgres"
        if directory != link {
            let parent = String(directory[..<(directory.lastIndex(of: "/") ?? directory.endIndex)])
            try makeDirectories(parent, mode: 0o700)
            try giveToAccount(parent)
            try makeDirectories(directory, mode: 0o700)
            if !fileExists(link) && symlink(directory, link) != 0 {
                throw SupervisorError.system("symlink \(link) -> \(directory)")
            }
        } else {
            try makeDirectories(directory, mode: 0o700)
        }
        if let account {
            try giveToAccount(directory)
            if let blocked = account.firstUnreachableDirectory(on: directory) {
                throw SupervisorError("PostgreSQL runs as the \(account.name) account (it refuses root), which cannot enter \(blocked.path) (mode \(String(blocked.mode, radix: 8))): choose a state directory it can reach, or remove \(link) so that the cluster is made under ~\(account.name)")
            }
        }
        try makeDirectories(socketDirectory, mode: 0o755)
        try giveToAccount(socketDirectory)
        let socketPath = socketDirectory + "/.s.PGSQL.5432"
        guard socketPath.utf8.count < 108 else {
            throw SupervisorError("the PostgreSQL socket path \(socketPath) is longer than 107 bytes: choose a shorter state directory")
        }
    }

    private func giveToAccount(_ path: String) throws {
        guard let account else { return }
        guard chown(path, account.uid, account.gid) == 0 else { throw SupervisorError.system("chown \(path) to \(account.name)") }
    }
}

/// The target of the symbolic link at `path`, if it is one.
func symbolicLinkTarget(_ path: String) -> String? {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let count = readlink(path, &buffer, buffer.count - 1)
    guard count > 0 else { return nil }
    return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// 16 hex digits of FNV-1a: a short, stable name for a path.
func stableHash(_ text: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01b3
    }
    let digits = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
}

/// `text` without leading and trailing white space.
func trimmed(_ text: String) -> String {
    var slice = Substring(text)
    while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
    while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
    return String(slice)
}
