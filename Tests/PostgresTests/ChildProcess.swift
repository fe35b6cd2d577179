import Glibc

/// Starts programs with posix_spawn and waits for them with waitpid.
enum ChildProcess {
    /// Starts `arguments[0]` (a path) with `environment` added, stdout and stderr appended to `outputPath`.
    static func start(_ arguments: [String], environment: [String: String] = [:], outputPath: String) throws -> pid_t {
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        posix_spawn_file_actions_addopen(&fileActions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&fileActions, 1, outputPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&fileActions, 1, 2)

        var environmentLines: [String] = []
        var index = 0
        while let entry = environ[index] {
            let line = String(cString: entry)
            if let name = line.split(separator: "=", maxSplits: 1).first, environment[String(name)] == nil {
                environmentLines.append(line)
            }
            index += 1
        }
        environmentLines += environment.map { "\($0.key)=\($0.value)" }

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environmentLines.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, arguments[0], &fileActions, nil, argv, envp)
        guard status == 0 else {
            throw ChildProcessError(description: "cannot start \(arguments[0]): \(String(cString: strerror(status)))")
        }
        return pid
    }

    /// Waits for `pid` and returns its exit status (128 + signal when killed).
    static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if status & 0x7f == 0 { return (status >> 8) & 0xff }
        return 128 + (status & 0x7f)
    }

    /// Runs a program to its end and returns its exit status.
    static func run(_ arguments: [String], environment: [String: String] = [:], outputPath: String) throws -> Int32 {
        wait(try start(arguments, environment: environment, outputPath: outputPath))
    }
}

struct ChildProcessError: Error, CustomStringConvertible {
    let description: String
}
