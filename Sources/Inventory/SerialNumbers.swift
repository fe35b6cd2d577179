/// InvenTree's serial number syntax (`extract_serial_numbers`): `1, 2, 6`, ranges `1-5`, `<start>+`
/// (as many as still needed from start), `<start>+<n>` (start and n more), `~` (the next free serial).
public enum SerialNumbers {
    /// The serial after `serial`: its trailing digits incremented with their width kept
    /// (`"A009"` -> `"A010"`), nil when it has no trailing digits.
    public static func increment(_ serial: String) -> String? {
        let digits = serial.reversed().prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty else { return nil }
        let prefix = serial.dropLast(digits.count)
        var number = Array(digits.reversed())
        var index = number.count - 1
        while index >= 0 {
            if number[index] == "9" {
                number[index] = "0"
                index -= 1
            } else {
                number[index] = Character(String(number[index].wholeNumberValue! + 1))
                break
            }
        }
        if index < 0 { number.insert("1", at: 0) }
        return String(prefix) + String(number)
    }

    /// Parses `input` into exactly `expectedQuantity` unique serials; `next` is the first free serial
    /// that `~` stands for. Errors are reported under `serial_numbers`.
    public static func parse(_ input: String, expectedQuantity: Int, next: String? = nil) throws -> [String] {
        var text = input.trimmingWhitespace()
        guard !text.isEmpty else { throw StockValidationError("serial_numbers", "Empty serial number string") }
        var nextValue = next
        while let tilde = text.firstIndex(of: "~"), let value = nextValue {
            text.replaceSubrange(tilde...tilde, with: value)
            nextValue = increment(value)
        }
        let groups = text.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)

        var serials: [String] = []
        var seen = Set<String>()
        var errors: [String] = []
        func addError(_ message: String) { if !errors.contains(message) { errors.append(message) } }
        func add(_ serial: String) {
            let serial = serial.trimmingWhitespace()
            guard !serial.isEmpty else { return }
            if seen.contains(serial) { addError("Duplicate serial: \(serial)") } else {
                seen.insert(serial)
                serials.append(serial)
            }
        }

        if groups.count == expectedQuantity {
            groups.forEach(add)
            guard errors.isEmpty else { throw StockValidationError(fields: ["serial_numbers": errors]) }
            return serials
        }

        for group in groups {
            let remaining = expectedQuantity - serials.count
            if group.contains("-") {
                let items = group.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
                guard items.count == 2 else { add(group); continue }
                let (first, last) = (items[0], items[1])
                if first == last || first.isEmpty || last.isEmpty {
                    addError("Invalid group range: \(group)")
                    continue
                }
                var range: [String] = []
                var value: String? = first
                var reachedEnd = false
                while let current = value, !range.contains(current) {
                    range.append(current)
                    value = increment(current)
                    if value == last {
                        range.append(last)
                        reachedEnd = true
                        break
                    }
                    if range.count > remaining { break }
                }
                if range.count > remaining {
                    addError("Group range \(group) exceeds allowed quantity (\(expectedQuantity))")
                } else if reachedEnd {
                    range.forEach(add)
                } else {
                    addError("Invalid group range: \(group)")
                }
            } else if group.contains("+") {
                let items = group.split(separator: "+", omittingEmptySubsequences: false).map(String.init)
                guard items.count == 2 else {
                    addError("Invalid group sequence: \(group)")
                    continue
                }
                var count = max(0, remaining)
                if !items[1].isEmpty {
                    guard let extra = Int(items[1]), extra >= 0 else {
                        addError("Invalid group sequence: \(group)")
                        continue
                    }
                    count = extra + 1
                }
                var sequence: [String] = []
                var value: String? = items[0]
                while let current = value, !sequence.contains(current), sequence.count < count {
                    sequence.append(current)
                    value = increment(current)
                }
                if sequence.count == count && !items[0].isEmpty {
                    sequence.forEach(add)
                } else {
                    addError("Invalid group sequence: \(group)")
                }
            } else {
                add(group)
            }
        }
        guard errors.isEmpty else { throw StockValidationError(fields: ["serial_numbers": errors]) }
        guard !serials.isEmpty else { throw StockValidationError("serial_numbers", "No serial numbers found") }
        guard serials.count == expectedQuantity else {
            throw StockValidationError("serial_numbers",
                "Number of unique serial numbers (\(serials.count)) must match quantity (\(expectedQuantity))")
        }
        return serials
    }

    /// The integer InvenTree sorts serials by (`serial_int`, its `extract_int`): the leading number,
    /// else the trailing one, else 0; clipped to 2^31-1.
    public static func sortKey(_ serial: String) -> Int64 {
        let text = serial.trimmingWhitespace()
        var digits = text.prefix { $0.isASCII && $0.isNumber }
        if digits.isEmpty { digits = Substring(String(text.reversed().prefix { $0.isASCII && $0.isNumber }.reversed())) }
        guard !digits.isEmpty else { return 0 }
        let clip: Int64 = 0x7FFF_FFFF
        if digits.count > 10 { return clip }
        return min(Int64(digits) ?? 0, clip)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
