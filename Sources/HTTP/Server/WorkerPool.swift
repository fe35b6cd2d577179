import Daemon

/// Threads that run jobs that may block (handlers that wait on a database, body streams).
final class WorkerPool {
    private let mutex = Lock()
    private var jobs: [() -> Void] = []
    private var head = 0
    private var stopping = false
    private var idleWorkers = 0
    private var threads: [JoinableThread] = []

    init(threads count: Int, name: String) {
        for index in 0..<max(1, count) {
            threads.append(JoinableThread(name: "\(name)-\(index)") { [unowned self] in self.work() })
        }
    }

    /// Queues `job`; some worker runs it soon.
    func submit(_ job: @escaping () -> Void) {
        mutex.lock()
        jobs.append(job)
        let wake = idleWorkers > 0
        mutex.unlock()
        // A busy worker takes the job when it finishes its own: no futex call needed then.
        if wake { mutex.signal() }
    }

    /// Runs the jobs already queued, then stops every worker and waits for them.
    func shutdown() {
        mutex.withLock {
            stopping = true
            mutex.broadcast()
        }
        for thread in threads { thread.join() }
        threads = []
    }

    private func work() {
        while true {
            mutex.lock()
            while head == jobs.count && !stopping {
                idleWorkers += 1
                mutex.wait()
                idleWorkers -= 1
            }
            if head == jobs.count {
                mutex.unlock()
                return
            }
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            }
            mutex.unlock()
            job()
        }
    }
}
