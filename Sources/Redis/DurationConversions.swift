import Daemon
import Glibc

extension Duration {
    /// Whole milliseconds, rounded up so that a short positive duration is never zero.
    var roundedUpMilliseconds: Int {
        Int((nanoseconds + 999_999) / 1_000_000)
    }

    var timeval: Glibc.timeval {
        let nanoseconds = nanoseconds
        return Glibc.timeval(tv_sec: Int(nanoseconds / 1_000_000_000),
                             tv_usec: Int((nanoseconds % 1_000_000_000) / 1_000))
    }
}
