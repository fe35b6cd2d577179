/// A small deterministic generator (SplitMix64), so that a seed always gives the same inventory.
struct DemoRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `0..<bound` (bound > 0).
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    mutating func pick<T>(_ values: [T]) -> T { values[below(values.count)] }

    /// True with probability `percent`/100.
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}

/// A PostgreSQL array literal built column by column, so thousands of rows go in one statement as
/// `INSERT ... SELECT FROM unnest($1::int[], $2::text[], ...)` with one parameter per column.
struct ArrayColumn {
    private(set) var text = "{"
    private(set) var count = 0

    mutating func append(_ value: Int?) {
        separate()
        text += value.map(String.init) ?? "NULL"
    }

    mutating func append(_ value: String?) {
        separate()
        guard let value else {
            text += "NULL"
            return
        }
        text += "\""
        for character in value {
            if character == "\"" || character == "\\" { text += "\\" }
            text.append(character)
        }
        text += "\""
    }

    mutating func append(_ value: Bool) {
        separate()
        text += value ? "t" : "f"
    }

    private mutating func separate() {
        if count > 0 { text += "," }
        count += 1
    }

    var literal: String { text + "}" }
}
