import Daemon

/// The worker's settings from the configuration.
public struct TaskWorkerSettings: Sendable {
    /// Task threads, each with its own database connection (`worker_threads`).
    public var threads: Int = 4
    /// Queues this worker claims from (`worker_queues`, comma-separated).
    public var queues: [String] = [TaskQueue.defaultQueue]
    /// Tasks claimed beyond the free threads, so a thread never waits for a claim round trip (`worker_prefetch`);
    /// more when tasks are quick, up to what the threads run in `prefetchHorizon` at the recent run time.
    public var prefetch: Int = 8
    /// How much work ahead a worker claims when tasks are quick: claiming (and completing) a deep queue of short
    /// tasks in large batches costs the database far less per task, and holds them back from other workers at most
    /// this long.
    public var prefetchHorizon: Duration = .milliseconds(100)
    /// Claimed tasks at most per claim statement.
    public var claimBatch: Int = 64
    /// The longest the claim loop waits for a NOTIFY before looking at the queue anyway (`worker_poll_interval`).
    public var pollInterval: Duration = .seconds(2)
    /// Leases, retry back-off and jitter (`task_lease`, `task_retry_base`, `task_retry_cap`).
    public var policy = TaskLeaseStateMachine.Policy()
    /// How long a stopping worker lets running tasks finish before it releases them (from `stop_timeout`).
    public var drainTimeout: Duration = .seconds(75)

    public init() {}

    /// Tasks to claim beyond the threads when bodies recently ran `averageRunNanoseconds` each (nil: none ran yet):
    /// the configured prefetch, or as many as the threads run within the prefetch horizon when that is more (at
    /// most two claim batches).
    public func prefetch(averageRunNanoseconds: Double?) -> Int {
        guard let average = averageRunNanoseconds else { return prefetch }
        let quick = Double(threads) * Double(prefetchHorizon.nanoseconds) / max(average, 1_000)
        return max(prefetch, Int(min(quick, Double(2 * claimBatch))))
    }

    public init(_ configuration: Configuration) throws {
        threads = try configuration.int("worker_threads", default: threads, range: 1...256)
        let queueList = try configuration.string("worker_queues", default: TaskQueue.defaultQueue)
        queues = queueList.split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
        if queues.isEmpty { throw TaskFailure("worker_queues (from \(configuration.source(of: "worker_queues"))) names no queue") }
        prefetch = try configuration.int("worker_prefetch", default: 2 * threads, range: 0...10_000)
        pollInterval = try configuration.duration("worker_poll_interval", default: pollInterval)
        policy.leaseDuration = try configuration.duration("task_lease", default: policy.leaseDuration)
        policy.backoffBase = try configuration.duration("task_retry_base", default: policy.backoffBase)
        policy.backoffCap = try configuration.duration("task_retry_cap", default: policy.backoffCap)
        if policy.leaseDuration < .seconds(1) {
            throw TaskFailure("task_lease (from \(configuration.source(of: "task_lease"))) must be at least 1 s")
        }
        let stopTimeout = try configuration.duration("stop_timeout", default: .seconds(90))
        // Leave time to release what is still running before systemd's stop timeout kills the process.
        drainTimeout = .nanoseconds(Int64(stopTimeout.nanoseconds / 10 * 8))
    }
}

extension String {
    func trimmingSpaces() -> String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }
}
