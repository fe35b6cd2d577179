import Daemon
import Glibc
import Postgres

extension TaskWorker {
    /// Starts a task thread that runs claimed tasks on `connection` until the worker stops.
    func startTaskThread(connection: PostgresConnection) {
        lock.withLock { liveThreads += 1 }
        startThread(name: "task") { [self] in
            runTasks(connection: connection)
            lock.withLock {
                liveThreads -= 1
                lock.broadcast()
            }
        }
    }

    /// A run overran its time limit and keeps its thread busy: a new thread (with a new connection) takes its place.
    func replaceStuckThread() {
        do {
            startTaskThread(connection: try PostgresConnection(databaseURL))
        } catch {
            logger.error("cannot open a connection for a replacement task thread: \(error)")
        }
    }

    private func nextEntry() -> TaskEntry? {
        lock.withLock {
            while true {
                if stopping { return nil }
                if !waiting.isEmpty {
                    let entry = waiting.removeFirst()
                    entry.machine.started(now: monotonicNanoseconds())
                    running[entry.task.id] = entry
                    lock.broadcast()
                    return entry
                }
                _ = lock.wait(until: nil)
            }
        }
    }

    private func runTasks(connection: PostgresConnection) {
        while let entry = nextEntry() {
            let started = monotonicNanoseconds()
            let outcome = runBody(entry, connection: connection)
            let ran = monotonicNanoseconds() - started
            let action: TaskLeaseStateMachine.Action = lock.withLock {
                noteRunTime(ran)
                switch outcome {
                case .some(let outcome): return entry.machine.finished(outcome, random: Double.random(in: 0..<1))
                case .none: return entry.machine.giveBack(delay: .milliseconds(250))
                }
            }
            if connection.isBroken { try? connection.reconnect() }
            if case .complete(let result) = action {
                completeInBatches(entry, result: result, connection: connection)
            } else {
                record(action, for: entry, on: connection)
                finishRunning([entry])
            }
            if entry.abandonedByLoop { return }
        }
    }

    /// Out of `running` only once the rows are written: a stopping worker waits for `running` to empty.
    private func finishRunning(_ entries: [TaskEntry]) {
        lock.withLock {
            for entry in entries where running[entry.task.id] === entry { running[entry.task.id] = nil }
            lock.broadcast()
        }
    }

    /// Group commit of successes: the first thread to finish while no other is writing writes every success
    /// queued so far in one statement, and again until none is left; the others go on to their next task.
    private func completeInBatches(_ entry: TaskEntry, result: String?, connection: PostgresConnection) {
        let leader: Bool = lock.withLock {
            pendingCompletions.append((entry, result))
            if flushingCompletions { return false }
            flushingCompletions = true
            return true
        }
        guard leader else { return }
        while true {
            let batch: [(entry: TaskEntry, result: String?)] = lock.withLock {
                let batch = pendingCompletions
                pendingCompletions.removeAll(keepingCapacity: true)
                if batch.isEmpty { flushingCompletions = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                if connection.isBroken { try connection.reconnect() }
                let held = try TaskLeases.completeMany(batch.map { ($0.entry.task, $0.result) }, owner: owner, on: connection)
                let lost = batch.filter { !held.contains($0.entry.task.id) }
                metrics.update {
                    $0.succeeded += held.count
                    $0.leasesLost += lost.count
                }
                for item in lost {
                    logger.warning("task \(item.entry.task.name) finished after its lease was lost; outcome dropped",
                                   ["TASK_ID": String(item.entry.task.id)])
                }
            } catch {
                logger.error("cannot record \(batch.count) finished task(s): \(error); their leases will expire and they will run again")
            }
            finishRunning(batch.map(\.entry))
        }
    }

    /// Runs the body under its exclusive lock if it has one; nil when the lock is held by another run.
    private func runBody(_ entry: TaskEntry, connection: PostgresConnection) -> TaskLeaseStateMachine.Outcome? {
        let task = entry.task
        guard let definition = entry.definition else {
            return .failed(error: "no task called '\(task.name)' is registered in this worker",
                           context: context(task, detail: "registered tasks: \(registry.definitions.keys.sorted().joined(separator: ", "))"))
        }
        let started = monotonicNanoseconds()
        do {
            if connection.isBroken { try connection.reconnect() }
            if definition.exclusive {
                guard let held = try ExclusiveLock.acquire(name: definition.name, ttl: settings.policy.leaseDuration,
                                                           redis: redis, connection: connection) else { return nil }
                lock.withLock { entry.exclusiveLock = held }
            }
            defer {
                if let held = lock.withLock({ entry.exclusiveLock }) {
                    held.release(connection: connection)
                    lock.withLock { entry.exclusiveLock = nil }
                }
            }
            let taskContext = TaskContext(id: task.id, name: task.name, arguments: task.arguments, attempt: task.attempt,
                                          maxAttempts: task.maxAttempts, connection: connection,
                                          deadline: started + definition.timeLimit.nanoseconds)
            let result = try definition.body(taskContext)
            if logger.isEnabled(.debug) {
                logger.debug("task \(task.name) succeeded", ["TASK_ID": String(task.id)])
            }
            return .succeeded(result: result)
        } catch {
            let elapsed = (monotonicNanoseconds() - started) / 1_000_000
            let extra = (error as? TaskFailure)?.context ?? ""
            logger.warning("task \(task.name) failed (attempt \(task.attempt) of \(task.maxAttempts)): \(error)",
                           ["TASK_ID": String(task.id)])
            return .failed(error: "\(error)",
                           context: context(task, detail: "error type: \(type(of: error)); ran \(elapsed) ms" + (extra.isEmpty ? "" : "\n" + extra)))
        }
    }

    private func context(_ task: ClaimedTask, detail: String) -> String {
        "task \(task.name) id \(task.id), attempt \(task.attempt) of \(task.maxAttempts), worker \(owner)\n\(detail)"
    }

    /// Writes a final action of the lease machine to the row and counts it.
    func record(_ action: TaskLeaseStateMachine.Action, for entry: TaskEntry, on connection: PostgresConnection) {
        guard action != .none, action != .abandon, action != .renewLease else { return }
        let held: Bool
        do {
            held = try TaskLeases.settle(action, task: entry.task, owner: owner, on: connection)
        } catch {
            logger.error("cannot record the outcome of task \(entry.task.name): \(error); its lease will expire and it will run again",
                         ["TASK_ID": String(entry.task.id)])
            return
        }
        guard held else {
            metrics.update { $0.leasesLost += 1 }
            logger.warning("task \(entry.task.name) finished after its lease was lost; outcome dropped",
                           ["TASK_ID": String(entry.task.id)])
            return
        }
        switch action {
        case .retry(let delay, _, _), .release(let delay): dueLater(delay)
        default: break
        }
        metrics.update {
            switch action {
            case .complete: $0.succeeded += 1
            case .retry: $0.retried += 1
            case .fail: $0.failed += 1
            case .release: $0.released += 1
            case .none, .renewLease, .abandon: break
            }
        }
    }
}
