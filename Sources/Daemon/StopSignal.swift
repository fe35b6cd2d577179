/// A one-way flag that a loop sleeps on between rounds of work: `signal()` wakes it at once.
public final class StopSignal: @unchecked Sendable {
    private let lock = Lock()
    private var stopped = false

    public init() {}

    /// True once `signal()` was called.
    public var isStopped: Bool { lock.withLock { stopped } }

    /// Stops the loop; safe from any thread, any number of times.
    public func signal() {
        lock.withLock {
            stopped = true
            lock.broadcast()
        }
    }

    /// Sleeps up to `duration` or until `signal()`; returns true if stopped.
    public func wait(for duration: Duration) -> Bool {
        let deadline = monotonicNanoseconds() + duration.nanoseconds
        return lock.withLock {
            while !stopped {
                if !lock.wait(until: deadline) { break }
            }
            return stopped
        }
    }
}
