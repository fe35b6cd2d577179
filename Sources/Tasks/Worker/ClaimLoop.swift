import Daemon
import Postgres

/// The claim loop's rounds, on its own connection (which also LISTENs): claim while there is room and work,
/// wait for a NOTIFY (or the poll interval) when the queue looked empty, and do the housekeeping on time.
struct ClaimLoop {
    let worker: TaskWorker
    let connection: PostgresConnection
    private var nextTick: UInt64 = 0
    private var nextRescue: UInt64 = 0
    private var nextStatus: UInt64 = 0
    private var nextSchedule: [String: UInt64] = [:]

    /// The longest one wait for a NOTIFY lasts, so stop requests and housekeeping are never late by more.
    static let waitSlice = 0.25

    init(worker: TaskWorker, connection: PostgresConnection) {
        self.worker = worker
        self.connection = connection
    }

    mutating func run(participant: WatchdogParticipant, stop: StopSignal) {
        var shouldClaim = true
        var nextPoll: UInt64 = 0
        let settings = worker.settings
        while !stop.isStopped {
            worker.watchdog.alive(participant)
            let now = monotonicNanoseconds()
            do {
                try housekeeping(now: now)
                let room = worker.capacity
                if room == 0 {
                    worker.waitForCapacity(timeout: .milliseconds(100))
                    continue
                }
                if worker.takeDueHint(now: now) { shouldClaim = true }
                if shouldClaim || now >= nextPoll {
                    let limit = min(room, settings.claimBatch)
                    let started = monotonicNanoseconds()
                    let tasks = try TaskLeases.claim(on: connection, queues: settings.queues, limit: limit,
                                                     owner: worker.owner, lease: settings.policy.leaseDuration)
                    let finished = monotonicNanoseconds()
                    worker.metrics.update {
                        $0.claimRounds += 1
                        $0.claimStatementSeconds += Double(finished - started) / 1e9
                        $0.claimed += tasks.count
                        $0.claimWaitSeconds += tasks.reduce(0) { $0 + max(0, $1.waitSeconds) }
                    }
                    if !tasks.isEmpty { worker.hand(tasks, now: finished) }
                    nextPoll = finished + settings.pollInterval.nanoseconds
                    // A full batch means there may be more; otherwise wait for a NOTIFY.
                    shouldClaim = tasks.count == limit
                    if shouldClaim { continue }
                }
                let current = monotonicNanoseconds()
                var untilPoll = nextPoll > current ? nextPoll - current : 0
                if let due = worker.untilDue(now: current) { untilPoll = min(untilPoll, due) }
                let notifications = try connection.waitForNotifications(timeout: min(Self.waitSlice, Double(untilPoll) / 1e9))
                if !notifications.isEmpty { shouldClaim = true }
            } catch {
                worker.logger.error("task claim loop: \(error)")
                _ = stop.wait(for: .seconds(1))
                if connection.isBroken { try? connection.reconnect() }
                shouldClaim = true
            }
        }
    }

    /// Lease renewal and time limits (every 250 ms), rescue of expired leases, periodic tasks, status.
    private mutating func housekeeping(now: UInt64) throws {
        let settings = worker.settings
        if now >= nextTick {
            nextTick = now + 250_000_000
            renewLeases(now: now)
        }
        if now >= nextRescue {
            nextRescue = now + settings.policy.renewalPeriod
            let rescued = try TaskLeases.rescueExpired(on: connection)
            if rescued > 0 { worker.logger.notice("rescued \(rescued) task(s) whose worker lost its lease") }
        }
        for task in worker.registry.periodic where now >= nextSchedule[task.name, default: 0] {
            let check = min(task.interval.nanoseconds / 4, 1_000_000_000)
            nextSchedule[task.name] = now + max(check, 100_000_000)
            let maxAttempts = worker.registry.definition(named: task.name)?.maxAttempts ?? 1
            if let id = try TaskLeases.schedule(task, maxAttempts: maxAttempts, on: connection) {
                worker.logger.debug("enqueued periodic task \(task.name)", ["TASK_ID": String(id)])
            }
        }
        if now >= nextStatus {
            nextStatus = now + 1_000_000_000
            worker.reportStatus(pending: try TaskQueue.pendingCount(on: connection))
        }
    }

    /// Runs the machines' clocks: renews due leases in one statement and gives up runs past their time limit.
    func renewLeases(now: UInt64) {
        var due: [TaskEntry] = []
        var overran: [(TaskEntry, TaskLeaseStateMachine.Action)] = []
        worker.lock.withLock {
            for entry in worker.waiting + Array(worker.running.values) {
                switch entry.machine.tick(now: now) {
                case .none: break
                case .renewLease: due.append(entry)
                case let action:
                    entry.abandonedByLoop = true
                    overran.append((entry, action))
                }
            }
            for (entry, _) in overran { worker.running[entry.task.id] = nil }
        }
        for (entry, action) in overran {
            worker.metrics.update { $0.timedOut += 1 }
            worker.logger.warning("task \(entry.task.name) exceeded its time limit", ["TASK_ID": String(entry.task.id)])
            worker.record(action, for: entry, on: connection)
            worker.replaceStuckThread()
        }
        guard !due.isEmpty else { return }
        let held: Set<Int64>
        do {
            held = try TaskLeases.renew(on: connection, tasks: due.map { ($0.task.id, $0.task.attempt) },
                                        owner: worker.owner, lease: worker.settings.policy.leaseDuration)
        } catch {
            worker.logger.warning("cannot renew task leases: \(error)")
            return
        }
        let renewedAt = monotonicNanoseconds()
        var lost: [TaskEntry] = []
        worker.lock.withLock {
            for entry in due where entry.machine.renewed(held: held.contains(entry.task.id), now: renewedAt) == .abandon {
                lost.append(entry)
            }
            let lostIDs = Set(lost.map(\.task.id))
            worker.waiting.removeAll { lostIDs.contains($0.task.id) }
        }
        for entry in due where held.contains(entry.task.id) {
            entry.exclusiveLock?.extend(ttl: worker.settings.policy.leaseDuration)
        }
        for entry in lost {
            worker.metrics.update { $0.leasesLost += 1 }
            worker.logger.warning("lost the lease of task \(entry.task.name); its outcome will be dropped",
                                  ["TASK_ID": String(entry.task.id)])
        }
    }
}
