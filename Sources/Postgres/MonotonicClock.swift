import Glibc

/// Seconds on CLOCK_MONOTONIC, for deadlines and idle times that wall-clock changes do not disturb.
func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1_000_000_000
}
