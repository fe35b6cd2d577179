import Glibc
import TestSupport

/// A real worker process (the tasks-fixture executable: stockroom-worker's wiring plus the test tasks) with
/// its own control socket and notify socket.
final class WorkerProcess {
    let process: ChildProcess
    let notifications: NotifyRecorder
    let controlSocket: String
    var pid: Int32 { process.pid }

    private static var counter = 0

    init(databaseURL: String, redisURL: String, scratch: String, settings: [String: String] = [:],
         executable: String = "tasks-fixture", wrapper: [String] = []) throws {
        Self.counter += 1
        controlSocket = "\(scratch)/worker-\(getpid())-\(Self.counter).sock"
        unlink(controlSocket)
        notifications = try NotifyRecorder()
        var environment = [
            "PATH": "/usr/bin:/bin",
            "STOCKROOM_CONFIG": "/dev/null",
            "STOCKROOM_DATABASE_URL": databaseURL,
            "STOCKROOM_REDIS_URL": redisURL,
            "NOTIFY_SOCKET": notifications.path,
            "STOCKROOM_TASK_LEASE": "2s",
            "STOCKROOM_TASK_RETRY_BASE": "100ms",
            "STOCKROOM_STOP_TIMEOUT": "10s",
            "STOCKROOM_LOG_LEVEL": "notice",
        ]
        for (key, value) in settings { environment[key] = value }
        let path = try BuiltExecutable.path(executable)
        if wrapper.isEmpty {
            process = try ChildProcess(executable: path, arguments: ["--listen", "control=unix:\(controlSocket)"],
                                       environment: environment)
        } else {
            process = try ChildProcess(executable: wrapper[0],
                                       arguments: Array(wrapper.dropFirst()) + ["env"] + environment.map { "\($0.key)=\($0.value)" }
                                           + [path, "--listen", "control=unix:\(controlSocket)"],
                                       environment: environment)
        }
    }

    /// Waits for READY=1; throws with the worker's stderr if it does not come.
    func waitUntilReady(timeout: Double = 20) throws {
        guard notifications.waitFor("READY=1", timeout: timeout) else {
            throw BuiltExecutable.Failure(description: "worker \(pid) sent no READY=1 within \(timeout) s; stderr:\n\(process.standardError.suffix(3000))")
        }
    }

    /// GET `path` on the control socket, with curl.
    func control(_ path: String) throws -> String {
        let curl = try ChildProcess(executable: "/usr/bin/curl",
                                    arguments: ["-s", "--max-time", "5", "--unix-socket", controlSocket, "http://worker\(path)"],
                                    environment: ["PATH": "/usr/bin:/bin"])
        try curl.wait(timeout: 10)
        return curl.standardOutput
    }

    /// SIGTERM, then waits for the exit.
    @discardableResult
    func stop(timeout: Double = 20) throws -> ChildProcess.ExitStatus {
        process.signal(SIGTERM)
        return try process.wait(timeout: timeout)
    }
}
