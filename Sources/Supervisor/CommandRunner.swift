import CShim
import Glibc

/// An operating-system account a command runs as (PostgreSQL's servers refuse to run as root).
struct Account: Equatable {
    let name: String
    let uid: uid_t
    let gid: gid_t
    let home: String

    /// The account called `name`, from the password database.
    static func named(_ name: String) -> Account? {
        guard let entry = getpwnam(name) else { return nil }
        return Account(name: name, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid,
                       home: String(cString: entry.pointee.pw_dir))
    }

    /// Whether this account may enter (search) every directory on the way to `path`.
    /// Returns the first directory it cannot enter, or nil if it can reach `path`.
    func firstUnreachableDirectory(on path: String) -> (path: String, mode: mode_t)? {
        if uid == 0 { return nil }
        var prefix = ""
        for component in [""] + path.split(separator: "/").map(String.init) {
            prefix = component.isEmpty ? "/" : (prefix == "/" ? "" : prefix) + "/" + component
            var info = stat()
            guard stat(prefix, &info) == 0 else { return nil }
            let mode = info.st_mode
            let searchable: Bool
            if info.st_uid == uid {
                searchable = mode & S_IXUSR != 0
            } else if info.st_gid == gid {
                searchable = mode & S_IXGRP != 0
            } else {
                searchable = mode & S_IXOTH != 0
            }
            if !searchable { return (prefix, mode & 0o7777) }
        }
        return nil
    }
}

/// Runs a helper program (initdb, pg_ctl, psql, redis-server) to completion.
struct CommandRunner {
    /// Where each command's output is kept, as `<step>.log`.
    let logDirectory: String

    /// Runs `arguments` (the first is an absolute path) in `directory`, as `account` if given;
    /// throws with the command's output if it exits non-zero.
    @discardableResult
    func run(_ step: String, _ arguments: [String], as account: Account? = nil, in directory: String = "/",
             allowedStatuses: Set<Int32> = [0]) throws -> (status: Int32, output: String) {
        let logPath = logDirectory + "/" + step + ".log"
        let log = open(logPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard log >= 0 else { throw SupervisorError.system("open \(logPath)") }
        let devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer {
            close(log)
            if devNull >= 0 { close(devNull) }
        }
        // `env -C` so that a command running as another account does not start in a directory it cannot enter.
        let argv = CStringArray(["/usr/bin/env", "-C", directory] + arguments)
        let envp = CStringArray(inheritedEnvironment())
        let pid = argv.pointers.withUnsafeBufferPointer { argvPointer in
            envp.pointers.withUnsafeBufferPointer { envpPointer in
                shim_spawn("/usr/bin/env", argvPointer.baseAddress, envpPointer.baseAddress, nil, 0,
                           devNull, log, log, -1,
                           account.map { Int32(bitPattern: $0.uid) } ?? -1, account.map { Int32(bitPattern: $0.gid) } ?? -1)
            }
        }
        guard pid > 0 else { throw SupervisorError.system("fork for \(step)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw SupervisorError.system("waitpid for \(step)") }
        }
        let output = (try? readFile(logPath)) ?? ""
        let exit = ChildExitStatus(waitStatus: status)
        guard case .exited(let code) = exit, allowedStatuses.contains(code) else {
            let command = arguments.joined(separator: " ")
            let trimmed = output.split(separator: "\n").suffix(15).joined(separator: "\n")
            throw SupervisorError("\(command) \(exit) (output in \(logPath)):\n\(trimmed)")
        }
        return (code, output)
    }

    /// This process's environment without libpq's variables, which could point a command elsewhere.
    private func inheritedEnvironment() -> [String] {
        var variables: [String] = []
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if !text.hasPrefix("PG") { variables.append(text) }
            entry += 1
        }
        return variables
    }
}

/// The whole content of a (small) file.
func readFile(_ path: String) throws -> String {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw SupervisorError.system("open \(path)") }
    defer { close(fd) }
    var data: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = read(fd, &buffer, buffer.count)
        if count < 0 && errno == EINTR { continue }
        if count <= 0 { break }
        data += buffer[..<count]
    }
    return String(decoding: data, as: UTF8.self)
}

/// Replaces the content of `path` with `text`.
func writeFile(_ path: String, _ text: String, mode: mode_t = 0o644) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    guard fd >= 0 else { throw SupervisorError.system("open \(path) for writing") }
    defer { close(fd) }
    let bytes = Array(text.utf8)
    var written = 0
    while written < bytes.count {
        let count = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { throw SupervisorError.system("write \(path)") }
        written += count
    }
}

/// Whether something exists at `path` (a symbolic link counts, even if dangling).
func fileExists(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0
}

/// Whether process `pid` is alive (a zombie, dead but not yet reaped by its parent, is not).
func processIsAlive(_ pid: pid_t) -> Bool {
    guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
    guard let stat = try? readFile("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return true }
    return !stat[stat.index(after: close)...].hasPrefix(" Z")
}

/// Waits up to `seconds` for process `pid` to end; returns whether it did.
func waitForExit(of pid: pid_t, seconds: Int) -> Bool {
    for _ in 0..<(seconds * 100) {
        if !processIsAlive(pid) { return true }
        usleep(10_000)
    }
    return !processIsAlive(pid)
}
