/// Severity of a log event, lowest first; the journal priority follows syslog(3).
public enum LogLevel: Int, Comparable, CaseIterable, CustomStringConvertible {
    case debug, info, notice, warning, error, critical

    /// Accepts the names below and the syslog abbreviations "warn", "err", "crit" (any case).
    public init?(name: String) {
        switch name.lowercased() {
        case "debug": self = .debug
        case "info": self = .info
        case "notice": self = .notice
        case "warning", "warn": self = .warning
        case "error", "err": self = .error
        case "critical", "crit": self = .critical
        default: return nil
        }
    }

    /// The lowercase name, as written in configuration and log lines.
    public var name: String {
        switch self {
        case .debug: return "debug"
        case .info: return "info"
        case .notice: return "notice"
        case .warning: return "warning"
        case .error: return "error"
        case .critical: return "critical"
        }
    }

    /// The syslog priority (journal field PRIORITY).
    public var syslogPriority: Int {
        switch self {
        case .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }

    public var description: String { name }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}
