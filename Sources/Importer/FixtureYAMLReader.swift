import Foundation

/// Reads the YAML subset that Django fixtures use: a list of records at column 0 (`- model: ...`),
/// their keys (`pk`, `fields`) at column 2, fields at column 4 with plain, single- or
/// double-quoted scalars, block lists (`- item`) under a field, and `#` comments. Anything else
/// (flow collections, block scalars, anchors) is refused with its line number rather than guessed.
enum FixtureYAMLReader {
    static func parse(_ text: String, name: String) throws -> [[String: Any]] {
        var records: [[String: Any]] = []
        var record: [String: Any]? = nil
        var fields: [String: Any] = [:]
        var inFields = false
        var listKey: String? = nil
        var list: [Any] = []

        func closeList() {
            if let key = listKey { fields[key] = list.isEmpty ? NSNull() : list }
            listKey = nil
            list = []
        }
        func closeRecord() {
            closeList()
            if var finished = record {
                finished["fields"] = fields
                records.append(finished)
            }
            record = nil
            fields = [:]
            inFields = false
        }

        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = stripComment(String(rawLine))
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let indent = line.prefix(while: { $0 == " " }).count
            var content = String(line.dropFirst(indent))
            func fail(_ problem: String) -> ImportError {
                ImportError("\(name) line \(lineNumber): \(problem): \(rawLine.trimmingCharacters(in: .whitespaces))")
            }

            if indent == 0 {
                guard content.hasPrefix("- ") else { throw fail("expected a record starting with '- '") }
                closeRecord()
                record = [:]
                content = String(content.dropFirst(2))
                let (key, value) = try keyValue(content, fail: fail)
                record?[key] = try value.map { try scalar($0, fail: fail) } ?? NSNull()
            } else if content.hasPrefix("- ") || content == "-" {
                guard listKey != nil else { throw fail("a list item outside a field") }
                list.append(try scalar(String(content.dropFirst(1)).trimmingCharacters(in: .whitespaces), fail: fail))
            } else if indent == 2 {
                guard record != nil else { throw fail("a key outside a record") }
                closeList()
                let (key, value) = try keyValue(content, fail: fail)
                if key == "fields" {
                    guard value == nil else { throw fail("'fields' must be followed by indented fields") }
                    inFields = true
                } else {
                    inFields = false
                    record?[key] = try value.map { try scalar($0, fail: fail) } ?? NSNull()
                }
            } else if indent == 4 && inFields {
                closeList()
                let (key, value) = try keyValue(content, fail: fail)
                if let value {
                    fields[key] = try scalar(value, fail: fail)
                } else {
                    listKey = key
                }
            } else {
                throw fail("unexpected indentation \(indent)")
            }
        }
        closeRecord()
        return records
    }

    /// Splits `key: value` (value nil when the line ends after the colon).
    private static func keyValue(_ content: String, fail: (String) -> ImportError) throws -> (String, String?) {
        guard let colon = content.firstIndex(of: ":") else { throw fail("expected 'key: value'") }
        let key = String(content[..<colon]).trimmingCharacters(in: .whitespaces)
        let rest = String(content[content.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { throw fail("'\(key)' is not a plain key") }
        return (key, rest.isEmpty ? nil : rest)
    }

    /// A scalar as YAML 1.1 reads it: quoted strings, null, booleans, integers, floats, else text.
    private static func scalar(_ text: String, fail: (String) -> ImportError) throws -> Any {
        if text.hasPrefix("'") {
            guard text.count >= 2, text.hasSuffix("'") else { throw fail("unterminated single-quoted string") }
            return String(text.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")
        }
        if text.hasPrefix("\"") {
            guard text.count >= 2, text.hasSuffix("\"") else { throw fail("unterminated double-quoted string") }
            let inner = String(text.dropFirst().dropLast())
            return inner.replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\n", with: "\n")
                .replacingOccurrences(of: "\\\\", with: "\\")
        }
        if let first = text.first, "[{|>&*!%@`".contains(first) {
            throw fail("this YAML construct is not supported in fixtures")
        }
        switch text {
        case "null", "Null", "NULL", "~": return NSNull()
        case "true", "True", "TRUE", "yes", "Yes": return true
        case "false", "False", "FALSE", "no", "No": return false
        default: break
        }
        if let integer = Int(text) { return NSNumber(value: integer) }
        if text.contains("."), let double = Double(text) { return NSNumber(value: double) }
        return text
    }

    /// The line without a `#` comment (a `#` at the start or after a space, outside quotes).
    private static func stripComment(_ line: String) -> String {
        var quote: Character? = nil
        var previous: Character = " "
        for (offset, character) in line.enumerated() {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "#" && (previous == " " || previous == "\t") {
                return String(line.prefix(offset))
            }
            previous = character
        }
        return line
    }
}
