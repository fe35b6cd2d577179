import FoundationEssentials

/// Text form of timestamps as PostgreSQL reads and writes them with DateStyle ISO.
enum PostgresTimestamp {
    private static let microsecondsPerDay: Int64 = 86_400_000_000

    /// "YYYY-MM-DD HH:MM:SS.ffffff+00" in UTC, with microsecond precision (PostgreSQL's own).
    static func format(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var days = micros / microsecondsPerDay
        var rest = micros % microsecondsPerDay
        if rest < 0 { rest += microsecondsPerDay; days -= 1 }
        let (year, month, day) = civil(fromDays: days)
        let seconds = rest / 1_000_000
        let fraction = rest % 1_000_000
        var text = ""
        text.reserveCapacity(32)
        func append(_ value: Int64, width: Int) {
            let digits = String(value)
            if digits.count < width { text += String(repeating: "0", count: width - digits.count) }
            text += digits
        }
        append(year, width: 4); text += "-"; append(month, width: 2); text += "-"; append(day, width: 2)
        text += " "
        append(seconds / 3600, width: 2); text += ":"; append(seconds / 60 % 60, width: 2); text += ":"
        append(seconds % 60, width: 2); text += "."; append(fraction, width: 6)
        text += "+00"
        return text
    }

    /// Parses "YYYY-MM-DD[ HH:MM:SS[.f...]][±HH[:MM[:SS]]]"; a value without offset is taken as UTC.
    /// Returns nil for anything else (infinity, BC dates, other DateStyles).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        var index = 0
        func number(maxDigits: Int) -> Int64? {
            var value: Int64 = 0
            var digits = 0
            while index < bytes.count, digits < maxDigits, bytes[index] >= 48, bytes[index] <= 57 {
                value = value * 10 + Int64(bytes[index] - 48)
                index += 1
                digits += 1
            }
            return digits == 0 ? nil : value
        }
        func expect(_ character: Character) -> Bool {
            guard index < bytes.count, bytes[index] == character.asciiValue else { return false }
            index += 1
            return true
        }
        guard let year = number(maxDigits: 7), expect("-"), let month = number(maxDigits: 2), expect("-"),
              let day = number(maxDigits: 2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var micros = days(fromYear: year, month: month, day: day) * microsecondsPerDay
        if index < bytes.count {
            guard expect(" ") || expect("T"), let hour = number(maxDigits: 2), expect(":"),
                  let minute = number(maxDigits: 2), expect(":"), let second = number(maxDigits: 2),
                  hour <= 24, minute < 60, second <= 60
            else { return nil }
            micros += ((hour * 60 + minute) * 60 + second) * 1_000_000
            if expect(".") {
                var fraction: Int64 = 0
                var scale: Int64 = 1_000_000
                while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                    scale /= 10
                    fraction += Int64(bytes[index] - 48) * scale
                    index += 1
                }
                micros += fraction
            }
        }
        if index < bytes.count {
            let sign: Int64
            if expect("+") { sign = 1 } else if expect("-") { sign = -1 } else { return nil }
            guard let hours = number(maxDigits: 2) else { return nil }
            var offset = hours * 3600
            if expect(":") {
                guard let minutes = number(maxDigits: 2) else { return nil }
                offset += minutes * 60
                if expect(":") {
                    guard let seconds = number(maxDigits: 2) else { return nil }
                    offset += seconds
                }
            }
            micros -= sign * offset * 1_000_000
        }
        guard index == bytes.count else { return nil }
        return Date(timeIntervalSince1970: Double(micros) / 1_000_000)
    }

    // Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian, day 0 = 1970-01-01).
    static func days(fromYear year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
