/// The failed-login counter of one key (a username or an address) as a state machine: a window
/// opens at the first failure and lasts `window`; once `limit` failures fall in it, attempts are
/// refused until it closes. Time comes in as event arguments (nanoseconds), so tests need no clock.
/// Redis holds the same state as a counter with an expiry (INCR, then PEXPIRE on the first failure).
public struct FixedWindowCounter: Equatable, Sendable {
    /// What to do with an attempt.
    public enum Decision: Equatable, Sendable {
        case allowed
        /// Refused; the window closes after `retryAfter` nanoseconds.
        case refused(retryAfter: UInt64)
    }

    public let limit: Int
    public let window: UInt64
    public private(set) var windowStart: UInt64?
    public private(set) var failures = 0

    public init(limit: Int, window: UInt64) {
        precondition(limit > 0 && window > 0, "a rate limit needs a positive limit and window")
        self.limit = limit
        self.window = window
    }

    /// Whether an attempt at `now` may go ahead.
    public mutating func check(at now: UInt64) -> Decision {
        closeExpiredWindow(at: now)
        guard let start = windowStart, failures >= limit else { return .allowed }
        return .refused(retryAfter: start + window - now)
    }

    /// Counts a failed attempt at `now`; returns the decision for the next attempt.
    @discardableResult
    public mutating func recordFailure(at now: UInt64) -> Decision {
        closeExpiredWindow(at: now)
        if windowStart == nil { windowStart = now }
        failures += 1
        return check(at: now)
    }

    /// A successful login clears the counter.
    public mutating func reset() {
        windowStart = nil
        failures = 0
    }

    /// True when the counter holds nothing that could refuse an attempt at `now` (it may be dropped).
    public func isIdle(at now: UInt64) -> Bool {
        guard let start = windowStart else { return true }
        return now >= start + window
    }

    private mutating func closeExpiredWindow(at now: UInt64) {
        if let start = windowStart, now >= start + window { reset() }
    }

    /// The decision for a counter kept elsewhere (Redis): `failures` in a window with `remaining` nanoseconds left.
    public static func decision(failures: Int, limit: Int, remaining: UInt64) -> Decision {
        failures >= limit && remaining > 0 ? .refused(retryAfter: remaining) : .allowed
    }
}
