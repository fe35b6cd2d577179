import Glibc

/// hiredis writes with write(2), which raises SIGPIPE when the server has gone, and SIGPIPE's
/// default action kills the process. As libpq does, the signal is blocked in this thread around
/// the I/O and a SIGPIPE that the I/O raised is consumed before the mask is restored, so the
/// caller gets an EPIPE error instead, whatever the process' own SIGPIPE disposition.
enum SIGPIPEGuard {
    static func run<T>(_ body: () throws -> T) rethrows -> T {
        var sigpipe = sigset_t()
        sigemptyset(&sigpipe)
        sigaddset(&sigpipe, SIGPIPE)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &sigpipe, &previous)
        let pendingBefore = isPending()
        defer {
            if !pendingBefore && isPending() {
                var zero = timespec(tv_sec: 0, tv_nsec: 0)
                _ = sigtimedwait(&sigpipe, nil, &zero)
            }
            pthread_sigmask(SIG_SETMASK, &previous, nil)
        }
        return try body()
    }

    private static func isPending() -> Bool {
        var pending = sigset_t()
        sigpending(&pending)
        return sigismember(&pending, SIGPIPE) == 1
    }
}
