import FoundationEssentials

/// InvenTree's API token keys: `inv-` + 40 hex digits (DRF's `generate_key`) + `-YYYYMMDD` (the day it was made).
public enum APITokenKey {
    public static let prefix = "inv-"

    /// A new key made on `date` (UTC).
    public static func generate(on date: Date = Date()) -> String {
        prefix + Digest.hex(SecureRandom.bytes(20)) + "-" + dayStamp(date)
    }

    /// `YYYYMMDD` of `date` in UTC.
    static func dayStamp(_ date: Date) -> String {
        let days = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(year, 4) + pad(month, 2) + pad(day, 2)
    }

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
    static func civilDate(daysSinceEpoch: Int) -> (Int, Int, Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// InvenTree's `ApiToken.sanitize_name`: trimmed, non-printable characters and HTML tags removed,
    /// spaces as `-`, at most 100 characters.
    public static func sanitizeName(_ name: String) -> String {
        var text = name.trimmingWhitespace()
        text = String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
        var stripped = ""
        var inTag = false
        for character in text {
            if character == "<" { inTag = true; continue }
            if character == ">" && inTag { inTag = false; continue }
            if !inTag { stripped.append(character) }
        }
        return String(String(stripped.map { $0 == " " ? "-" : $0 }).prefix(100))
    }
}
