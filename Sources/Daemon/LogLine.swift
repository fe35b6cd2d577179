import Glibc

/// The readable one-line form of a log event, for stderr when it is not the journal:
/// `2026-11-24T08:00:00.123Z warning web: message KEY=value KEY2="two words"`.
public enum LogLine {
    /// Formats an event; `time` is (seconds, nanoseconds) since the epoch, UTC. Ends with "\n".
    public static func format(time: (seconds: Int, nanoseconds: Int), level: LogLevel, identifier: String,
                              message: String, fields: [String: String]) -> String {
        var line = timestamp(seconds: time.seconds, nanoseconds: time.nanoseconds)
        line += " \(level.name) \(identifier): "
        line += escaped(message, quoteIfNeeded: false)
        for key in fields.keys.sorted() {
            line += " \(JournalRecord.fieldName(key))=\(escaped(fields[key] ?? "", quoteIfNeeded: true))"
        }
        line += "\n"
        return line
    }

    /// The wall clock now.
    static func now() -> (seconds: Int, nanoseconds: Int) {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return (time.tv_sec, time.tv_nsec)
    }

    static func timestamp(seconds: Int, nanoseconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func padded(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(parts.tm_year + 1900, 4))-\(padded(parts.tm_mon + 1, 2))-\(padded(parts.tm_mday, 2))"
            + "T\(padded(parts.tm_hour, 2)):\(padded(parts.tm_min, 2)):\(padded(parts.tm_sec, 2))"
            + ".\(padded(Int32(nanoseconds / 1_000_000), 3))Z"
    }

    /// Keeps the event on one line: control characters are escaped; field values with spaces, quotes or '='
    /// are quoted.
    static func escaped(_ text: String, quoteIfNeeded: Bool) -> String {
        var result = ""
        var needsQuotes = text.isEmpty && quoteIfNeeded
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\\" where quoteIfNeeded: result += "\\\\"
            case "\"" where quoteIfNeeded: result += "\\\""; needsQuotes = true
            case " ", "=": result.unicodeScalars.append(scalar); needsQuotes = true
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\x" + (hex.count < 2 ? "0" + hex : hex)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return quoteIfNeeded && needsQuotes ? "\"\(result)\"" : result
    }
}
