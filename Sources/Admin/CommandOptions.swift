/// The options of one `stockroom` command: `--name value`, `--name=value` and flags.
struct CommandOptions {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private var values: [String: String] = [:]
    private var flags: Set<String> = []
    /// Arguments that are not options, in order.
    private(set) var positional: [String] = []

    /// Parses `arguments` knowing which options take a value and which are flags.
    init(_ arguments: [String], valued: Set<String>, flags known: Set<String> = []) throws {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--") else {
                positional.append(argument)
                continue
            }
            var name = String(argument.dropFirst(2))
            var value: String? = nil
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if known.contains(name) {
                guard value == nil else { throw Failure(description: "option --\(name) takes no value") }
                flags.insert(name)
            } else if valued.contains(name) {
                if value == nil {
                    guard index < arguments.count else { throw Failure(description: "option --\(name) needs a value") }
                    value = arguments[index]
                    index += 1
                }
                values[name] = value
            } else {
                let all = (valued.map { "--\($0) VALUE" } + known.map { "--\($0)" }).sorted()
                throw Failure(description: "unknown option '\(argument)'" + (all.isEmpty ? "" : "; options: " + all.joined(separator: ", ")))
            }
        }
    }

    func value(_ name: String) -> String? { values[name] }
    func flag(_ name: String) -> Bool { flags.contains(name) }

    /// An integer option within `range`.
    func int(_ name: String, default defaultValue: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = values[name] else { return defaultValue }
        guard let number = Int(text), range.contains(number) else {
            throw Failure(description: "option --\(name) '\(text)' is not valid: expected an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }
}
