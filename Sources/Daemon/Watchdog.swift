/// The decision of when to send `WATCHDOG=1`: only when every registered participant (a loop that does
/// the work) has reported alive since the last ping, and half the watchdog interval has passed.
public struct WatchdogStateMachine {
    /// Time between pings: half of `WATCHDOG_USEC`.
    public let pingPeriod: UInt64
    private var participants: Set<Int>
    private var reported: Set<Int> = []
    private var lastPing: UInt64? = nil

    /// `interval` is `WATCHDOG_USEC`; `participants` are the ids of the loops that must report.
    public init(interval: Duration, participants: Set<Int> = []) {
        self.pingPeriod = max(1, interval.nanoseconds / 2)
        self.participants = participants
    }

    public mutating func register(_ participant: Int) {
        participants.insert(participant)
    }

    /// A loop that has ended stops counting (otherwise it would stop the pings for good).
    public mutating func unregister(_ participant: Int) {
        participants.remove(participant)
        reported.remove(participant)
    }

    /// `participant` is alive at `now` (monotonic nanoseconds); returns true if a ping must be sent now.
    public mutating func alive(participant: Int, now: UInt64) -> Bool {
        guard participants.contains(participant) else { return false }
        reported.insert(participant)
        guard reported.isSuperset(of: participants) else { return false }
        if let lastPing, now &- lastPing < pingPeriod { return false }
        lastPing = now
        reported.removeAll(keepingCapacity: true)
        return true
    }
}

/// A loop that reports to the `Watchdog`.
public struct WatchdogParticipant: Hashable {
    public let id: Int
    public let name: String
}

/// Sends `WATCHDOG=1` from the working loops themselves: each loop calls `alive` on every iteration (and must
/// iterate at least every `pollTimeout`). Without `WATCHDOG_USEC` everything here is a no-op.
public final class Watchdog: @unchecked Sendable {
    private let notifier: Notifier
    private let lock = Lock()
    private var machine: WatchdogStateMachine?
    private var nextID = 0

    public init(notifier: Notifier) {
        self.notifier = notifier
        self.machine = notifier.watchdogInterval.map { WatchdogStateMachine(interval: $0) }
    }

    /// True if systemd asked for watchdog pings.
    public var isEnabled: Bool { notifier.watchdogInterval != nil }

    /// The longest a loop should wait between `alive` calls (a quarter of the interval), or nil when off.
    public var pollTimeout: Duration? {
        notifier.watchdogInterval.map { .nanoseconds(Int64(max(1, $0.nanoseconds / 4))) }
    }

    /// `pollTimeout` in whole milliseconds for poll(2)/epoll_wait(2) (at least 1), or -1 (wait forever) when off.
    public var pollTimeoutMilliseconds: Int32 {
        guard let timeout = pollTimeout else { return -1 }
        return Int32(clamping: max(1, timeout.nanoseconds / 1_000_000))
    }

    /// Adds a loop that must report alive before each ping.
    public func register(_ name: String) -> WatchdogParticipant {
        lock.withLock {
            nextID += 1
            machine?.register(nextID)
            return WatchdogParticipant(id: nextID, name: name)
        }
    }

    /// Removes a loop that has finished.
    public func unregister(_ participant: WatchdogParticipant) {
        lock.withLock { machine?.unregister(participant.id) }
    }

    /// Called by a loop on every iteration; sends `WATCHDOG=1` when all loops have reported.
    public func alive(_ participant: WatchdogParticipant) {
        guard isEnabled else { return }
        let now = monotonicNanoseconds()
        let ping = lock.withLock { machine?.alive(participant: participant.id, now: now) ?? false }
        if ping { notifier.watchdogPing() }
    }
}
