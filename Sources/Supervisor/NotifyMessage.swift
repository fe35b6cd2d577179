/// One `sd_notify` datagram, parsed: newline-separated `KEY=VALUE` assignments.
public struct NotifyMessage: Equatable, Sendable {
    /// `READY=1`: the daemon can serve (or has finished reloading).
    public var ready = false
    /// `STOPPING=1`: the daemon is shutting down on its own.
    public var stopping = false
    /// `RELOADING=1`: the daemon is reloading its configuration.
    public var reloading = false
    /// `WATCHDOG=1`: the daemon's work loop is alive.
    public var watchdog = false
    /// `WATCHDOG=trigger`: the daemon asks to be treated as if its watchdog had expired.
    public var watchdogTrigger = false
    /// `STATUS=...`: a one-line description of the daemon's state.
    public var status: String?

    /// A message with nothing set.
    public init() {}

    /// Parses a datagram; unknown keys and malformed lines are ignored, as systemd does.
    public init(parsing datagram: String) {
        for line in datagram.split(separator: "\n", omittingEmptySubsequences: true) {
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals]
            let value = line[line.index(after: equals)...]
            switch key {
            case "READY": ready = value == "1"
            case "STOPPING": stopping = value == "1"
            case "RELOADING": reloading = value == "1"
            case "WATCHDOG":
                if value == "1" { watchdog = true } else if value == "trigger" { watchdogTrigger = true }
            case "STATUS": status = String(value)
            default: continue
            }
        }
    }
}
