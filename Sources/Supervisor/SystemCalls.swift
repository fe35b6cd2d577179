import CShim
import Daemon
import Glibc

/// A file descriptor that becomes readable when child `pid` exits, or nil on kernels before 5.3.
func openPidfd(_ pid: pid_t) -> Int32? {
    let fd = shim_pidfd_open(pid)
    guard fd >= 0 else { return nil }
    _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    return fd
}

/// Time since an arbitrary fixed point that never jumps (CLOCK_MONOTONIC).
func monotonicNow() -> Duration {
    .nanoseconds(Int64(monotonicNanoseconds()))
}

/// A pipe whose both ends are close-on-exec; the read end is non-blocking.
func makeOutputPipe() throws -> (read: Int32, write: Int32) {
    var fds: [Int32] = [-1, -1]
    guard shim_pipe_cloexec(&fds) == 0 else { throw SupervisorError.system("pipe2") }
    _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
    return (fds[0], fds[1])
}

/// Creates `path` and its missing parents with `mode`.
func makeDirectories(_ path: String, mode: mode_t = 0o755) throws {
    var prefix = path.hasPrefix("/") ? "" : "."
    for component in path.split(separator: "/") {
        prefix += "/" + component
        if mkdir(prefix, mode) != 0 && errno != EEXIST {
            throw SupervisorError.system("mkdir \(prefix)")
        }
    }
}

/// Owns a C string array (argv or envp) for as long as a spawn needs it.
final class CStringArray {
    private(set) var pointers: [UnsafeMutablePointer<CChar>?]

    init(_ strings: [String]) {
        pointers = strings.map { strdup($0) } + [nil]
    }

    deinit { for pointer in pointers { free(pointer) } }
}
