import Daemon

/// The decisions about one claimed task, from the claim to the row's final update, without clocks or
/// a database: the worker feeds it events (time passed, lease renewed or lost, the body finished) and
/// performs the actions it returns. Times are monotonic nanoseconds given by the caller.
public struct TaskLeaseStateMachine: Sendable {
    /// How leases, retries and time limits behave.
    public struct Policy: Sendable, Equatable {
        /// How long a claim or a renewal holds the task.
        public var leaseDuration: Duration
        /// First retry delay; each later attempt doubles it.
        public var backoffBase: Duration
        /// The longest retry delay.
        public var backoffCap: Duration
        /// Fraction (0...1) of the delay replaced by randomness, so failed tasks do not retry in step.
        public var jitter: Double

        public init(leaseDuration: Duration = .seconds(30), backoffBase: Duration = .seconds(2),
                    backoffCap: Duration = .seconds(3600), jitter: Double = 0.5) {
            self.leaseDuration = leaseDuration
            self.backoffBase = backoffBase
            self.backoffCap = backoffCap
            self.jitter = min(1, max(0, jitter))
        }

        /// Renew when a third of the lease is left (two renewals can fail before the lease is lost).
        public var renewalPeriod: UInt64 { max(1, leaseDuration.nanoseconds / 3) }

        /// The delay before attempt `attempt + 1`, after attempt `attempt` (1-based) failed; `random` is in 0..<1.
        public func retryDelay(afterAttempt attempt: Int, random: Double) -> Duration {
            let base = Double(backoffBase.nanoseconds)
            let exponent = Double(min(max(attempt - 1, 0), 40))
            let uncapped = base * pow2(exponent)
            let capped = min(uncapped, Double(backoffCap.nanoseconds))
            let jittered = capped * (1 - jitter) + capped * jitter * min(max(random, 0), 1)
            return .nanoseconds(Int64(jittered))
        }

        private func pow2(_ exponent: Double) -> Double {
            var value = 1.0
            var remaining = Int(exponent)
            while remaining > 0 { value *= 2; remaining -= 1 }
            return value
        }
    }

    /// Where the task is.
    public enum State: Equatable, Sendable {
        /// Claimed, waiting for a free task thread.
        case claimed
        /// Its body is running since `since`.
        case running(since: UInt64)
        /// The row has been given its final update for this claim (or the lease is gone): nothing more to do.
        case settled
    }

    /// How the body ended.
    public enum Outcome: Equatable, Sendable {
        case succeeded(result: String?)
        case failed(error: String, context: String)
    }

    /// What the worker must do.
    public enum Action: Equatable, Sendable {
        case none
        /// Extend the lease in the database.
        case renewLease
        /// `UPDATE ... SET state = 'succeeded'` conditional on the lease.
        case complete(result: String?)
        /// Back to available after `delay`, conditional on the lease.
        case retry(delay: Duration, error: String, context: String)
        /// Final failure, conditional on the lease.
        case fail(error: String, context: String)
        /// Put back to available without counting the attempt (the worker stops, or an exclusive lock is busy).
        case release(delay: Duration)
        /// The lease was lost: another worker may run the task; the body's outcome must be dropped.
        case abandon
    }

    public let policy: Policy
    public let attempt: Int
    public let maxAttempts: Int
    /// The body's time limit.
    public let timeLimit: Duration
    public private(set) var state: State = .claimed
    private var lastRenewal: UInt64

    /// A task claimed at `now` for its `attempt` (1-based) of `maxAttempts`.
    public init(policy: Policy, attempt: Int, maxAttempts: Int, timeLimit: Duration, claimedAt now: UInt64) {
        self.policy = policy
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.timeLimit = timeLimit
        self.lastRenewal = now
    }

    /// A task thread starts the body.
    public mutating func started(now: UInt64) {
        if state == .claimed { state = .running(since: now) }
    }

    /// Time passed: renew the lease when due, or give up a body that overran its time limit.
    public mutating func tick(now: UInt64) -> Action {
        switch state {
        case .settled:
            return .none
        case .running(let since) where Self.elapsed(from: since, to: now) >= timeLimit.nanoseconds:
            return finished(.failed(error: "time limit of \(Self.describe(timeLimit)) exceeded",
                                    context: "the task was still running after its time limit; its thread's outcome will be ignored"),
                            random: 0.5)
        case .claimed, .running:
            guard Self.elapsed(from: lastRenewal, to: now) >= policy.renewalPeriod else { return .none }
            return .renewLease
        }
    }

    /// The renewal ran at `now`; `held` is false when the row no longer belongs to this claim.
    public mutating func renewed(held: Bool, now: UInt64) -> Action {
        guard state != .settled else { return .none }
        guard held else {
            state = .settled
            return .abandon
        }
        lastRenewal = now
        return .none
    }

    /// The body ended; `random` in 0..<1 feeds the retry jitter.
    public mutating func finished(_ outcome: Outcome, random: Double) -> Action {
        guard state != .settled else { return .none }
        state = .settled
        switch outcome {
        case .succeeded(let result):
            return .complete(result: result)
        case .failed(let error, let context):
            if attempt >= maxAttempts { return .fail(error: error, context: context) }
            return .retry(delay: policy.retryDelay(afterAttempt: attempt, random: random), error: error, context: context)
        }
    }

    /// The task will not run now (the worker stops, or its exclusive lock is held elsewhere).
    public mutating func giveBack(delay: Duration = .zero) -> Action {
        guard state != .settled else { return .none }
        state = .settled
        return .release(delay: delay)
    }

    /// Time from `start` to `end`, zero when `end` was read before `start` (threads read the clock at different moments).
    static func elapsed(from start: UInt64, to end: UInt64) -> UInt64 { end > start ? end - start : 0 }

    static func describe(_ duration: Duration) -> String {
        let milliseconds = duration.nanoseconds / 1_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
    }
}
