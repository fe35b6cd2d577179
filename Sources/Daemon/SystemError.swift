import CShim
import Glibc

/// The text of an errno value, e.g. "Address already in use".
func errnoText(_ code: Int32) -> String {
    String(cString: strerror(code))
}

/// The calling thread's errno.
func currentErrno() -> Int32 { shim_errno() }

/// The monotonic clock in nanoseconds.
func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

extension Duration {
    /// The duration in whole nanoseconds (negative durations count as zero).
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        if seconds < 0 { return 0 }
        return UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
    }
}
