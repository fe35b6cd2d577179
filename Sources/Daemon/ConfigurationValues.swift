/// Typed access to configuration values; every failure names the key, the value, its source and what is expected.
extension Configuration {
    /// The value of `key`; missing and no default is an error.
    public func string(_ key: String, default defaultValue: String? = nil) throws -> String {
        try parsed(key, default: defaultValue, expected: "a value") { $0 }
    }

    /// An integer, optionally within `range`.
    public func int(_ key: String, default defaultValue: Int? = nil, range: ClosedRange<Int>? = nil) throws -> Int {
        let expected = range.map { "an integer in \($0.lowerBound)...\($0.upperBound)" } ?? "an integer"
        return try parsed(key, default: defaultValue, expected: expected) { text in
            guard let number = Int(text) else { return nil }
            if let range, !range.contains(number) { return nil }
            return number
        }
    }

    /// A boolean: true/false, yes/no, on/off, 1/0 (any case).
    public func bool(_ key: String, default defaultValue: Bool? = nil) throws -> Bool {
        try parsed(key, default: defaultValue, expected: "true or false (or yes/no, on/off, 1/0)") { text in
            switch text.lowercased() {
            case "true", "yes", "on", "1": return true
            case "false", "no", "off", "0": return false
            default: return nil
            }
        }
    }

    /// A duration such as "250ms", "5s", "2m", "1h"; a bare number is seconds.
    public func duration(_ key: String, default defaultValue: Duration? = nil) throws -> Duration {
        try parsed(key, default: defaultValue, expected: "a duration such as 250ms, 5s, 2m or 1h",
                  parse: Configuration.parseDuration)
    }

    /// A size in bytes such as "512", "64K", "64KiB", "1M", "1G" (powers of 1024).
    public func byteSize(_ key: String, default defaultValue: Int? = nil) throws -> Int {
        try parsed(key, default: defaultValue, expected: "a size in bytes such as 512, 64K, 1M or 1G",
                  parse: Configuration.parseByteSize)
    }

    /// One of `choices` (exactly as spelled there).
    public func oneOf(_ key: String, _ choices: [String], default defaultValue: String? = nil) throws -> String {
        let expected = "one of " + choices.map { "'\($0)'" }.joined(separator: ", ")
        return try parsed(key, default: defaultValue, expected: expected) { choices.contains($0) ? $0 : nil }
    }

    /// The log level of key `log_level` (default info).
    public func logLevel(default defaultValue: LogLevel = .info) throws -> LogLevel {
        try parsed("log_level", default: defaultValue,
                  expected: "one of " + LogLevel.allCases.map { "'\($0.name)'" }.joined(separator: ", "),
                  parse: LogLevel.init(name:))
    }

    /// The value of `key` converted by `parse`, which returns nil for a value that is not valid; the
    /// error then names the key, its source and `expected`. For types this file does not know.
    public func parsed<T>(_ key: String, default defaultValue: T?, expected: String, parse: (String) -> T?) throws -> T {
        guard let value = values[key.lowercased()] else {
            if let defaultValue { return defaultValue }
            throw ConfigurationError.missing(key, expected: expected, configurationPath: filePath)
        }
        guard let parsed = parse(value.text) else {
            throw ConfigurationError.invalid(key, value: value.text, source: value.source, expected: expected)
        }
        return parsed
    }

    static func parseDuration(_ text: String) -> Duration? {
        let units: [(suffix: String, nanoseconds: Double)] = [
            ("ms", 1e6), ("us", 1e3), ("ns", 1), ("s", 1e9), ("m", 60e9), ("h", 3600e9), ("d", 86400e9),
        ]
        var number = Substring(text)
        var scale = 1e9
        for unit in units where text.hasSuffix(unit.suffix) {
            number = text.dropLast(unit.suffix.count)
            scale = unit.nanoseconds
            break
        }
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let amount = Double(number), amount.isFinite else { return nil }
        let nanoseconds = amount * scale
        guard nanoseconds < Double(Int64.max) else { return nil }
        return .nanoseconds(Int64(nanoseconds))
    }

    static func parseByteSize(_ text: String) -> Int? {
        let units: [(suffix: String, factor: Int)] = [
            ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40),
            ("KB", 1 << 10), ("MB", 1 << 20), ("GB", 1 << 30), ("TB", 1 << 40),
            ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30), ("T", 1 << 40), ("B", 1),
        ]
        var number = Substring(text)
        var factor = 1
        for unit in units where text.uppercased().hasSuffix(unit.suffix.uppercased()) {
            number = text.dropLast(unit.suffix.count)
            factor = unit.factor
            break
        }
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && $0.isNumber }), let amount = Int(number) else { return nil }
        let (product, overflow) = amount.multipliedReportingOverflow(by: factor)
        return overflow ? nil : product
    }
}
