import Daemon
import Glibc
import Postgres
import Redis

/// stockroom-worker's task service: one claim loop (LISTEN wake-ups, poll fallback, lease renewal, rescue of
/// expired leases, periodic scheduling, `STATUS=`, watchdog) and `settings.threads` task threads, each with
/// its own database connection. On `beginShutdown` it stops claiming, gives back tasks it claimed but did
/// not start, lets running tasks finish within the drain timeout and gives back the rest.
public final class TaskWorker: DaemonService, @unchecked Sendable {
    public let name = "tasks"
    /// The lease owner written on claimed rows: host, pid and a random part (pids are reused).
    public let owner: String
    public let metrics = TaskMetrics()

    let registry: TaskRegistry
    let settings: TaskWorkerSettings
    let databaseURL: String
    let redis: RedisPool?
    let logger: Logger
    let notifier: Notifier
    let watchdog: Watchdog

    let lock = Lock()
    /// Claimed, not started yet.
    var waiting: [TaskEntry] = []
    /// Started, keyed by task id.
    var running: [Int64: TaskEntry] = [:]
    var stopping = false
    /// Threads that should be running; a thread whose run overran its time limit is replaced and exits.
    var liveThreads = 0
    /// When a task this worker put back (retry, busy lock) becomes due, so the loop claims then without a NOTIFY.
    var earliestDue: UInt64?
    /// Recent run time of task bodies (nanoseconds, moving average); nil until a task ran.
    var averageRunNanoseconds: Double?
    /// Successes waiting to be written, and whether a task thread is writing them now.
    var pendingCompletions: [(entry: TaskEntry, result: String?)] = []
    var flushingCompletions = false
    private let stop = StopSignal()
    private var loopConnection: PostgresConnection?
    private var threadConnections: [PostgresConnection] = []
    private var lastStatus = ""

    public init(registry: TaskRegistry, settings: TaskWorkerSettings, databaseURL: String, redis: RedisPool?,
                logger: Logger, notifier: Notifier, watchdog: Watchdog, host: String) {
        self.registry = registry
        self.settings = settings
        self.databaseURL = databaseURL
        self.redis = redis
        self.logger = logger
        self.notifier = notifier
        self.watchdog = watchdog
        var generator = SystemRandomNumberGenerator()
        owner = "\(host):\(getpid()):\(String(generator.next() as UInt32, radix: 16))"
    }

    public func start() throws {
        try registry.validate()
        let connection = try PostgresConnection(databaseURL)
        try connection.listen(TaskQueue.channel)
        loopConnection = connection
        threadConnections = try (0..<settings.threads).map { _ in try PostgresConnection(databaseURL) }
    }

    public func run() throws {
        guard let connection = loopConnection else { throw TaskFailure("the task worker was not started") }
        for threadConnection in threadConnections { startTaskThread(connection: threadConnection) }
        threadConnections = []
        let participant = watchdog.register("tasks-claim-loop")
        defer { watchdog.unregister(participant) }
        var loop = ClaimLoop(worker: self, connection: connection)
        loop.run(participant: participant, stop: stop)
        drain(connection: connection, participant: participant)
    }

    public func beginShutdown() {
        lock.withLock {
            stopping = true
            lock.broadcast()
        }
        stop.signal()
    }

    /// How many tasks to claim now: none while a round of work for every thread is still waiting (so claims come
    /// in batches, not one per finished task), else the room left under threads plus prefetch.
    var capacity: Int {
        lock.withLock {
            if !waiting.isEmpty && waiting.count >= settings.threads { return 0 }
            return max(0, settings.threads + prefetchLimit - waiting.count - running.count)
        }
    }

    /// Tasks claimed beyond the threads now. Called with `lock` held.
    var prefetchLimit: Int { settings.prefetch(averageRunNanoseconds: averageRunNanoseconds) }

    /// A task body ran for `nanoseconds`. Called with `lock` held.
    func noteRunTime(_ nanoseconds: UInt64) {
        let sample = Double(nanoseconds)
        averageRunNanoseconds = averageRunNanoseconds.map { $0 * 0.8 + sample * 0.2 } ?? sample
    }

    /// Hands claimed tasks to the task threads.
    func hand(_ tasks: [ClaimedTask], now: UInt64) {
        let entries = tasks.map { task in
            TaskEntry(task: task, definition: registry.definition(named: task.name),
                      machine: TaskLeaseStateMachine(policy: settings.policy, attempt: task.attempt,
                                                     maxAttempts: task.maxAttempts,
                                                     timeLimit: registry.definition(named: task.name)?.timeLimit ?? .seconds(300),
                                                     claimedAt: now))
        }
        lock.withLock {
            waiting.append(contentsOf: entries)
            lock.broadcast()
        }
    }

    /// Notes that a task put back with `delay` becomes due then.
    func dueLater(_ delay: Duration) {
        let due = monotonicNanoseconds() + delay.nanoseconds
        lock.withLock { earliestDue = min(earliestDue ?? due, due) }
    }

    /// True (once) when a task put back by this worker has become due.
    func takeDueHint(now: UInt64) -> Bool {
        lock.withLock {
            guard let due = earliestDue, due <= now else { return false }
            earliestDue = nil
            return true
        }
    }

    /// Nanoseconds until the earliest put-back task is due, if any.
    func untilDue(now: UInt64) -> UInt64? {
        lock.withLock { earliestDue.map { $0 > now ? $0 - now : 0 } }
    }

    /// Waits until a task thread is free for more work (or `timeout` passed, or the worker stops).
    func waitForCapacity(timeout: Duration) {
        let deadline = monotonicNanoseconds() + timeout.nanoseconds
        lock.withLock {
            while !stopping && (waiting.count >= settings.threads
                                || waiting.count + running.count >= settings.threads + prefetchLimit) {
                if !lock.wait(until: deadline) { break }
            }
        }
    }

    /// Sends `STATUS=` when the line changed.
    func reportStatus(pending: Int) {
        let (runningCount, waitingCount) = lock.withLock { (running.count, waiting.count) }
        metrics.update {
            $0.running = runningCount
            $0.claimedWaiting = waitingCount
            $0.queueDepth = pending
        }
        let line = "running \(runningCount) of \(settings.threads) threads, \(waitingCount) claimed, \(pending) pending"
        if line != lastStatus {
            lastStatus = line
            notifier.status(line)
        }
    }

    /// Stop: give back claimed tasks, let running ones finish until the drain timeout, give back the rest.
    private func drain(connection: PostgresConnection, participant: WatchdogParticipant) {
        let unstarted: [TaskEntry] = lock.withLock {
            defer { waiting.removeAll() }
            return waiting
        }
        for entry in unstarted { giveBack(entry, connection: connection) }
        let deadline = monotonicNanoseconds() + settings.drainTimeout.nanoseconds
        let loop = ClaimLoop(worker: self, connection: connection)
        while true {
            watchdog.alive(participant)
            let remaining = lock.withLock { () -> Int in
                if running.isEmpty { return 0 }
                _ = lock.wait(until: min(deadline, monotonicNanoseconds() + 250_000_000))
                return running.count
            }
            if remaining == 0 { break }
            loop.renewLeases(now: monotonicNanoseconds())
            reportStatus(pending: metrics.snapshot.queueDepth)
            if monotonicNanoseconds() >= deadline {
                let overdue = lock.withLock { Array(running.values) }
                logger.warning("stop timeout: giving back \(overdue.count) running task(s) for another worker")
                for entry in overdue { giveBack(entry, connection: connection) }
                break
            }
        }
        logger.info("task worker stopped", ["OWNER": owner])
    }

    private func giveBack(_ entry: TaskEntry, connection: PostgresConnection) {
        let action = lock.withLock { entry.machine.giveBack() }
        guard action != .none else { return }
        do {
            if try TaskLeases.settle(action, task: entry.task, owner: owner, on: connection) {
                metrics.update { $0.released += 1 }
            }
        } catch {
            logger.warning("cannot give back task \(entry.task.id): \(error); its lease will expire", ["TASK_ID": String(entry.task.id)])
        }
    }
}

/// A claimed task and its lease decisions; `machine` and `lock` are guarded by the worker's lock.
final class TaskEntry {
    let task: ClaimedTask
    let definition: TaskDefinition?
    var machine: TaskLeaseStateMachine
    var exclusiveLock: ExclusiveLock?
    /// Set when the claim loop gave up on the run (time limit): the thread is replaced and exits afterwards.
    var abandonedByLoop = false

    init(task: ClaimedTask, definition: TaskDefinition?, machine: TaskLeaseStateMachine) {
        self.task = task
        self.definition = definition
        self.machine = machine
    }
}
