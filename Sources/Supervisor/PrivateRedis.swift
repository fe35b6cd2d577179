import CShim
import Glibc

/// A private redis-server for development: unix socket only, no persistence, under `directory`
/// (`redis.sock`, `redis.pid`, `redis.log`).
struct PrivateRedis {
    let directory: String
    let runner: CommandRunner

    var socketPath: String { directory + "/redis.sock" }
    var pidFile: String { directory + "/redis.pid" }
    var url: String { "unix://" + socketPath }

    /// The server's pid if it is running (a pid file naming a live redis-server).
    var runningPid: pid_t? {
        guard let text = try? readFile(pidFile), let pid = pid_t(trimmed(text)), processIsAlive(pid),
              let command = try? readFile("/proc/\(pid)/comm"), command.hasPrefix("redis")
        else { return nil }
        return pid
    }

    /// The absolute path of `redis-server` on PATH.
    static func findServer() throws -> String {
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where access("\(directory)/redis-server", X_OK) == 0 {
            return "\(directory)/redis-server"
        }
        throw SupervisorError("redis-server is not installed (not on PATH): run `make deps` or apt install redis-server")
    }

    /// Starts the server unless it is already running; returns whether this call started it.
    func start(log: (String) -> Void) throws -> Bool {
        try makeDirectories(directory, mode: 0o700)
        guard socketPath.utf8.count < 108 else {
            throw SupervisorError("the Redis socket path \(socketPath) is longer than 107 bytes: choose a shorter state directory")
        }
        if runningPid != nil, ping() {
            log("reusing the Redis server already running on \(socketPath)")
            return false
        }
        unlink(socketPath)
        unlink(pidFile)
        log("starting Redis (socket \(socketPath))")
        try runner.run("redis-server", [try Self.findServer(), "--port", "0", "--unixsocket", socketPath,
                                        "--unixsocketperm", "700", "--daemonize", "yes", "--pidfile", pidFile,
                                        "--dir", directory, "--save", "", "--appendonly", "no",
                                        "--logfile", directory + "/redis.log"], in: directory)
        for _ in 0..<500 {
            if ping() { return true }
            usleep(10_000)
        }
        throw SupervisorError("redis-server did not answer PING on \(socketPath) within 5s; see \(directory)/redis.log")
    }

    /// Stops the server with SIGTERM (nothing is saved) and waits for it to exit.
    func stop() throws {
        guard let pid = runningPid else { return }
        kill(pid, SIGTERM)
        if !waitForExit(of: pid, seconds: 10) {
            kill(pid, SIGKILL)
            throw SupervisorError("redis-server (pid \(pid)) did not exit within 10s of SIGTERM and was killed")
        }
        unlink(socketPath)
    }

    /// Whether the server answers PING on its socket.
    func ping() -> Bool {
        let fd = shim_socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (offset, byte) in socketPath.utf8.prefix(raw.count - 1).enumerated() { raw[offset] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { return false }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = Array("PING\r\n".utf8)
        guard write(fd, request, request.count) == request.count else { return false }
        var reply = [UInt8](repeating: 0, count: 16)
        let count = read(fd, &reply, reply.count)
        return count >= 5 && Array(reply[..<5]) == Array("+PONG".utf8)
    }
}
