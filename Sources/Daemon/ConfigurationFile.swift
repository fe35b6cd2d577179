import Glibc

/// Reading whole small files (configuration, secrets) without Foundation.
enum TextFile {
    enum Failure: Error {
        case cannotOpen(errno: Int32)
        case cannotRead(errno: Int32)
        case notUTF8
    }

    static func contents(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure.cannotOpen(errno: currentErrno()) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if currentErrno() == EINTR { continue }
                throw Failure.cannotRead(errno: currentErrno())
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw Failure.notUTF8 }
        return text
    }

    static func reason(_ error: Error) -> String {
        switch error {
        case Failure.cannotOpen(let code), Failure.cannotRead(let code): return errnoText(code)
        case Failure.notUTF8: return "the file is not UTF-8 text"
        default: return "\(error)"
        }
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }
}

/// The parser of `stockroom.conf`: `key = value` lines, `#` comments, blank lines.
enum ConfigurationFileParser {
    struct Entry: Equatable {
        let key: String
        let value: String
        let line: Int
    }

    /// Parses `text` read from `path` (the path is only used in error messages).
    static func parse(_ text: String, path: String) throws -> [Entry] {
        var entries: [Entry] = []
        var firstLine: [String: Int] = [:]
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = trimmed(rawLine)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw ConfigurationError.syntax(
                    path: path, line: lineNumber, problem: "expected 'key = value' but the line has no '='")
            }
            let key = trimmed(line[..<equals]).lowercased()
            guard !key.isEmpty else {
                throw ConfigurationError.syntax(path: path, line: lineNumber, problem: "expected a key before '='")
            }
            guard key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw ConfigurationError.syntax(
                    path: path, line: lineNumber,
                    problem: "key '\(key)' may contain only letters, digits and '_'")
            }
            if let earlier = firstLine[key] {
                throw ConfigurationError.syntax(
                    path: path, line: lineNumber, problem: "key '\(key)' is already set on line \(earlier)")
            }
            var value = trimmed(line[line.index(after: equals)...])
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            firstLine[key] = lineNumber
            entries.append(Entry(key: key, value: value, line: lineNumber))
        }
        return entries
    }

    private static func trimmed<S: StringProtocol>(_ text: S) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = text.firstIndex(where: { !isSpace($0) }),
              let last = text.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(text[first...last])
    }
}
