/// How long to wait before restarting a daemon that died: doubling from `initial` up to `maximum`,
/// back to `initial` once a daemon has stayed up for `resetAfter`.
public struct RestartBackoff: Equatable, Sendable {
    /// The delay before the first restart.
    public var initial: Duration
    /// The longest delay.
    public var maximum: Duration
    /// How long a daemon must have run (since it was spawned) for its next failure to count as the first.
    public var resetAfter: Duration

    /// A backoff policy; the defaults restart after 100 ms, 200 ms, ... up to 10 s.
    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(10),
                resetAfter: Duration = .seconds(30)) {
        self.initial = initial
        self.maximum = maximum
        self.resetAfter = resetAfter
    }

    /// The delay before restart number `failures` (1 for the first restart after a good run).
    public func delay(afterFailures failures: Int) -> Duration {
        var delay = initial
        var remaining = max(failures, 1) - 1
        while remaining > 0 && delay < maximum {
            delay = delay * 2
            remaining -= 1
        }
        return min(delay, maximum)
    }
}
