/// Whether a new connection may be attempted now, so that a dead server is not hammered: after a
/// failed connect every caller fails at once until `interval` has passed; then one caller probes
/// while the others keep failing at once; the probe's success reopens the gate, its failure
/// starts another interval. Times are monotonic nanoseconds passed in by the caller.
struct ConnectBackoff: Equatable {
    enum State: Equatable {
        /// The last connect succeeded (or none was tried): anybody may connect.
        case open
        /// A connect failed; nobody tries before `until`.
        case waiting(until: UInt64, lastFailure: String)
        /// One caller is trying; the others fail at once.
        case probing(lastFailure: String)
    }

    enum Decision: Equatable {
        case connect
        case failFast(lastFailure: String)
    }

    /// What the caller should log after reporting an outcome.
    enum Transition: Equatable {
        case none
        case startedBackingOff
        case recovered
    }

    let interval: UInt64
    private(set) var state: State = .open

    init(intervalNanoseconds: UInt64) {
        self.interval = intervalNanoseconds
    }

    /// Asks to connect; `.connect` obliges the caller to report the outcome.
    mutating func decide(now: UInt64) -> Decision {
        switch state {
        case .open:
            return .connect
        case .waiting(let until, let lastFailure):
            guard now >= until else { return .failFast(lastFailure: lastFailure) }
            state = .probing(lastFailure: lastFailure)
            return .connect
        case .probing(let lastFailure):
            return .failFast(lastFailure: lastFailure)
        }
    }

    /// Nanoseconds until a connect may be tried again (zero when one may be tried now).
    func remaining(now: UInt64) -> UInt64 {
        if case .waiting(let until, _) = state, until > now { return until - now }
        return 0
    }

    mutating func connectSucceeded() -> Transition {
        let wasFailing = state != .open
        state = .open
        return wasFailing ? .recovered : .none
    }

    mutating func connectFailed(now: UInt64, reason: String) -> Transition {
        let wasOpen = state == .open
        state = .waiting(until: now &+ interval, lastFailure: reason)
        return wasOpen ? .startedBackingOff : .none
    }
}
