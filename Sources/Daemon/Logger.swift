import Glibc

/// Where log events go.
public enum LogDestination {
    /// The journal if `JOURNAL_STREAM` says stderr is the journal, else readable lines on stderr.
    case automatic
    /// Structured records through `sd_journal_sendv` (falls back to stderr lines if journald is unreachable).
    case journal
    /// One readable line per event on stderr.
    case stderr
    /// Hands every event that passes the level to a function (tests, the supervisor).
    case custom((LogLevel, String, [String: String]) -> Void)

    /// `.automatic` decided for this process: `.journal` or `.stderr`.
    public static func resolved(_ destination: LogDestination,
                                environment: [String: String] = ProcessEnvironment.current) -> LogDestination {
        guard case .automatic = destination else { return destination }
        return JournalStream.stderrIsJournal(environment: environment) ? .journal : .stderr
    }
}

/// A thread-safe logger; each event becomes one journal record or one line written with one write(2).
public final class Logger: @unchecked Sendable {
    /// SYSLOG_IDENTIFIER, and the name in front of stderr lines.
    public let identifier: String
    /// `.journal`, `.stderr` or `.custom` (never `.automatic`).
    public let destination: LogDestination
    private let lock = Lock()
    private var currentLevel: LogLevel

    public init(identifier: String, level: LogLevel = .info, destination: LogDestination = .automatic) {
        self.identifier = identifier
        self.currentLevel = level
        self.destination = LogDestination.resolved(destination)
    }

    /// Events below this level are dropped; may be changed at any time (on reload).
    public var level: LogLevel {
        get { lock.withLock { currentLevel } }
        set { lock.withLock { currentLevel = newValue } }
    }

    /// True if an event at `level` would be written (to skip building expensive messages).
    public func isEnabled(_ level: LogLevel) -> Bool { level >= self.level }

    public func log(_ level: LogLevel, _ message: String, _ fields: [String: String] = [:]) {
        guard isEnabled(level) else { return }
        switch destination {
        case .custom(let handler):
            handler(level, message, fields)
        case .journal:
            let record = JournalRecord.fields(level: level, identifier: identifier, message: message, fields: fields)
            if !JournalRecord.send(record) { writeLine(level, message, fields) }
        case .stderr, .automatic:
            writeLine(level, message, fields)
        }
    }

    public func debug(_ message: String, _ fields: [String: String] = [:]) { log(.debug, message, fields) }
    public func info(_ message: String, _ fields: [String: String] = [:]) { log(.info, message, fields) }
    public func notice(_ message: String, _ fields: [String: String] = [:]) { log(.notice, message, fields) }
    public func warning(_ message: String, _ fields: [String: String] = [:]) { log(.warning, message, fields) }
    public func error(_ message: String, _ fields: [String: String] = [:]) { log(.error, message, fields) }
    public func critical(_ message: String, _ fields: [String: String] = [:]) { log(.critical, message, fields) }

    /// True if events end up as lines on stderr (so a fatal message need not be repeated there).
    public var writesToStderr: Bool {
        if case .stderr = destination { return true }
        return false
    }

    private func writeLine(_ level: LogLevel, _ message: String, _ fields: [String: String]) {
        let line = LogLine.format(time: LogLine.now(), level: level, identifier: identifier,
                                  message: message, fields: fields)
        writeAll(STDERR_FILENO, line)
    }
}

/// Writes `text` to `fd`, normally with a single write(2), retrying after EINTR or a short write.
func writeAll(_ fd: Int32, _ text: String) {
    var bytes = Array(text.utf8)
    var offset = 0
    bytes.withUnsafeMutableBytes { raw in
        while offset < raw.count {
            let written = write(fd, raw.baseAddress! + offset, raw.count - offset)
            if written < 0 {
                if currentErrno() == EINTR { continue }
                return
            }
            offset += written
        }
    }
}
