import Foundation

/// Reads and writes the timestamps of InvenTree exports: ISO 8601 with or without fractional
/// seconds ("2021-11-10T01:45:29.130Z"), or a date alone ("2021-11-10", midnight UTC).
enum Timestamp {
    static func parse(_ text: String) -> Date? {
        if text.count == 10 { return day.date(from: text) }
        return fractional.date(from: text) ?? whole.date(from: text)
    }

    /// The timestamp in UTC with milliseconds.
    static func format(_ date: Date) -> String { fractional.string(from: date) }

    nonisolated(unsafe) private static let fractional: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()
    nonisolated(unsafe) private static let whole = ISO8601DateFormatter()
    nonisolated(unsafe) private static let day: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter
    }()
}
