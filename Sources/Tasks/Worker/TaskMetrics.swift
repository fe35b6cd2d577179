import Daemon

/// Counters of one worker process, for `/metrics` and `STATUS=`.
public final class TaskMetrics: @unchecked Sendable {
    public struct Snapshot: Sendable, Equatable {
        public var claimed = 0
        public var succeeded = 0
        public var failed = 0
        public var retried = 0
        public var released = 0
        public var leasesLost = 0
        public var timedOut = 0
        public var running = 0
        public var claimedWaiting = 0
        /// Available tasks in the queue at the last count.
        public var queueDepth = 0
        /// Sum and count of seconds from a task becoming due to its claim.
        public var claimWaitSeconds = 0.0
        public var claimRounds = 0
        /// Sum of seconds spent in claim statements.
        public var claimStatementSeconds = 0.0
    }

    private let lock = Lock()
    private var values = Snapshot()

    public init() {}

    public var snapshot: Snapshot { lock.withLock { values } }

    func update(_ body: (inout Snapshot) -> Void) { lock.withLock { body(&values) } }

    /// The samples `ControlEndpoints` adds to `/metrics`: (name, help, type, value).
    public func samples() -> [(name: String, help: String, type: String, value: Double)] {
        let s = snapshot
        let averageWait = s.claimed == 0 ? 0 : s.claimWaitSeconds / Double(s.claimed)
        return [
            ("stockroom_tasks_claimed_total", "Tasks claimed by this worker.", "counter", Double(s.claimed)),
            ("stockroom_tasks_succeeded_total", "Tasks that succeeded on this worker.", "counter", Double(s.succeeded)),
            ("stockroom_tasks_failed_total", "Tasks that failed for good on this worker.", "counter", Double(s.failed)),
            ("stockroom_tasks_retried_total", "Failed runs put back for a retry.", "counter", Double(s.retried)),
            ("stockroom_tasks_released_total", "Claimed tasks given back without running (stop, busy lock).", "counter", Double(s.released)),
            ("stockroom_tasks_leases_lost_total", "Runs whose lease was lost before they finished.", "counter", Double(s.leasesLost)),
            ("stockroom_tasks_timed_out_total", "Runs that exceeded their time limit.", "counter", Double(s.timedOut)),
            ("stockroom_tasks_running", "Tasks running now on this worker.", "gauge", Double(s.running)),
            ("stockroom_tasks_queue_depth", "Available tasks in the queue at the last count.", "gauge", Double(s.queueDepth)),
            ("stockroom_tasks_claim_latency_seconds", "Mean time from a task becoming due to its claim.", "gauge", averageWait),
            ("stockroom_tasks_claim_wait_seconds_total", "Sum of times from a task becoming due to its claim.", "counter", s.claimWaitSeconds),
            ("stockroom_tasks_claim_statement_seconds_total", "Time spent in claim statements.", "counter", s.claimStatementSeconds),
            ("stockroom_tasks_claim_rounds_total", "Claim statements run.", "counter", Double(s.claimRounds)),
        ]
    }
}
