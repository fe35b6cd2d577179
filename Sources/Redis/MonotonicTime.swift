import Glibc

/// Nanoseconds of CLOCK_MONOTONIC: what the state machines get as "now".
enum MonotonicTime {
    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}

extension Duration {
    /// Whole nanoseconds, negative durations as zero.
    var clampedNanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 0 }
        return UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
    }

    /// Whole milliseconds, rounded up so that a short positive duration is never zero.
    var roundedUpMilliseconds: Int {
        Int((clampedNanoseconds + 999_999) / 1_000_000)
    }

    var timeval: Glibc.timeval {
        let nanoseconds = clampedNanoseconds
        return Glibc.timeval(tv_sec: Int(nanoseconds / 1_000_000_000),
                             tv_usec: Int((nanoseconds % 1_000_000_000) / 1_000))
    }
}
