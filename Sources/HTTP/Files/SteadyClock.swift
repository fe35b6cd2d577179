import Glibc

/// `CLOCK_MONOTONIC`, the clock of cache revalidation and upstream deadlines.
public enum SteadyClock {
    /// Seconds since an arbitrary fixed point; never jumps with the wall clock.
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
