/// Splits a child's output stream into whole lines, each prefixed with the child's name, so that
/// lines of different daemons never interleave mid-line.
struct OutputLines {
    /// A line longer than this is cut and printed in pieces rather than held forever.
    static let longestLine = 16 * 1024

    let prefix: String
    private var pending: [UInt8] = []

    /// `prefix` is prepended to every line, e.g. "proxy  | ".
    init(prefix: String) { self.prefix = prefix }

    /// Adds bytes read from the pipe; returns the lines they complete.
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        var lines: [String] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                lines.append(take())
            } else {
                pending.append(byte)
                if pending.count >= Self.longestLine { lines.append(take()) }
            }
        }
        return lines
    }

    /// At end of stream: the last line if it had no newline.
    mutating func finish() -> String? {
        pending.isEmpty ? nil : take()
    }

    private mutating func take() -> String {
        if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
        let line = prefix + String(decoding: pending, as: UTF8.self)
        pending.removeAll(keepingCapacity: true)
        return line
    }
}

/// "web" padded to `width`, then " | ": the column that starts every line `stockroom run` prints.
func linePrefix(_ name: String, width: Int) -> String {
    name + String(repeating: " ", count: max(0, width - name.count)) + " | "
}
