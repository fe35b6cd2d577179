import Glibc

/// The IMF-fixdate of the current second, formatted once per second; one per event loop (not thread-safe).
public struct HTTPDateCache {
    private var second: time_t = -1
    private var cached: [UInt8] = []

    public init() {}

    /// `Sun, 06 Nov 1994 08:49:37 GMT` for now.
    public mutating func current() -> [UInt8] {
        let now = time(nil)
        if now != second {
            second = now
            cached = HTTPDateCache.format(now)
        }
        return cached
    }

    /// Formats `seconds` since the epoch as an IMF-fixdate.
    public static func format(_ seconds: time_t) -> [UInt8] {
        var t = seconds
        var parts = tm()
        gmtime_r(&t, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let text = "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
        return Array(text.utf8)
    }
}
