import Daemon
import Glibc

/// A child process for tests: spawned with an explicit argv and environment, stdout and stderr captured to
/// files, signalled, waited for with a timeout; killed (with its process group) if still running on deinit.
public final class ChildProcess {
    public enum ExitStatus: Equatable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)

        public var description: String {
            switch self {
            case .exited(let code): return "exited with status \(code)"
            case .signaled(let number): return "killed by signal \(number)"
            }
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let pid: pid_t
    public let executable: String
    /// Files that receive the child's stdout and stderr.
    public let standardOutputPath: String
    public let standardErrorPath: String
    public private(set) var exitStatus: ExitStatus?
    private let outputDirectory: String

    /// Starts `executable` (a path) with `arguments` (argv[1...]) and exactly `environment`.
    /// The child runs in its own process group with all signals unblocked and at their default action.
    public init(executable: String, arguments: [String] = [], environment: [String: String],
                workingDirectory: String? = nil) throws {
        var template = Array("/tmp/child-process-XXXXXX".utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw Failure(description: "cannot create a directory for the output of \(executable): \(String(cString: strerror(errno)))")
        }
        outputDirectory = String(cString: created)
        standardOutputPath = outputDirectory + "/stdout"
        standardErrorPath = outputDirectory + "/stderr"
        self.executable = executable

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, standardOutputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, standardErrorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        // glibc's posix_spawn has no portable chdir action here: a shell changes directory, then execs (same pid).
        let command = workingDirectory.map { ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", $0, executable] + arguments }
            ?? [executable] + arguments
        let argv = command.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, command[0], &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        pid = child
    }

    deinit {
        if exitStatus == nil {
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        unlink(standardOutputPath)
        unlink(standardErrorPath)
        rmdir(outputDirectory)
    }

    /// Sends `number` to the child.
    public func signal(_ number: Int32) {
        if exitStatus == nil { kill(pid, number) }
    }

    /// True until the child has been seen to exit.
    public var isRunning: Bool {
        _ = poll()
        return exitStatus == nil
    }

    /// Waits up to `timeout` seconds for the child to exit; throws (with the tail of its stderr) if it does not.
    @discardableResult
    public func wait(timeout: Double) throws -> ExitStatus {
        let deadline = Self.now() + timeout
        while true {
            if let status = poll() { return status }
            if Self.now() >= deadline {
                throw Failure(description: "\(executable) (pid \(pid)) still running after \(timeout)s; stderr ends with:\n\(String(standardError.suffix(2000)))")
            }
            usleep(5_000)
        }
    }

    /// Everything the child wrote to stdout so far.
    public var standardOutput: String { Self.contents(of: standardOutputPath) }
    /// Everything the child wrote to stderr so far.
    public var standardError: String { Self.contents(of: standardErrorPath) }

    /// Waits until stderr contains `text`; returns false after `timeout` seconds.
    public func waitForStandardError(containing text: String, timeout: Double) -> Bool {
        waitFor(timeout: timeout) { standardError.contains(text) }
    }

    /// Waits until stdout contains `text`; returns false after `timeout` seconds or if the child exits first.
    public func waitForStandardOutput(containing text: String, timeout: Double) -> Bool {
        waitFor(timeout: timeout) { standardOutput.contains(text) }
    }

    private func waitFor(timeout: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Self.now() + timeout
        while Self.now() < deadline {
            if condition() { return true }
            if !isRunning { return condition() }
            usleep(10_000)
        }
        return condition()
    }

    private func poll() -> ExitStatus? {
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        guard result == pid else { return nil }
        let signal = status & 0x7f
        exitStatus = signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
        return exitStatus
    }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    static func contents(of path: String) -> String {
        guard let file = fopen(path, "r") else { return "" }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
