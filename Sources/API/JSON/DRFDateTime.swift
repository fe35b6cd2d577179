import FoundationEssentials
import Glibc

/// Datetimes as DRF writes them with USE_TZ in UTC: `2024-03-19T10:11:12.345678Z`, no fraction when it is zero
/// (the same text `ResourceField`'s SQL produces for datetime columns).
enum DRFDateTime {
    static func format(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var seconds = time_t(micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000)
        let fraction = micros - Int64(seconds) * 1_000_000
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func digits(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var text = digits(Int64(parts.tm_year) + 1900, 4) + "-" + digits(Int64(parts.tm_mon) + 1, 2) + "-"
            + digits(Int64(parts.tm_mday), 2) + "T" + digits(Int64(parts.tm_hour), 2) + ":" + digits(Int64(parts.tm_min), 2)
            + ":" + digits(Int64(parts.tm_sec), 2)
        if fraction != 0 { text += "." + digits(fraction, 6) }
        return text + "Z"
    }

    static func json(_ date: Date?) -> JSONValue { date.map { .string(format($0)) } ?? .null }
}
