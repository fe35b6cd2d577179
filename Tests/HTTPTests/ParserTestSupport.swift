import XCTest
@testable import HTTP

/// What the parser made of a whole input, in a form that does not depend on how the input was split.
struct ParseOutcome: Equatable, CustomStringConvertible {
    struct Message: Equatable {
        var method: String
        var target: String
        var version: HTTPVersion
        var headers: [String]
        var keepAlive: Bool
        var framing: HTTPBodyFraming
        var expectsContinue: Bool
        var body: [UInt8] = []
        var trailers: [String] = []
        var complete = false
    }

    var messages: [Message] = []
    var error: HTTPParseError?

    var description: String {
        var lines = messages.map { "\($0.method) \($0.target) \($0.version) ka=\($0.keepAlive) \($0.framing) body=\($0.body.count) complete=\($0.complete)" }
        if let error { lines.append("error: \(error)") }
        return lines.joined(separator: "\n")
    }

    /// The refusal, which the test expects there to be.
    var status: Int? { error?.status }
}

/// Feeds `bytes` to a fresh parser in the pieces `pieces` gives, and records what came out.
func parseOutcome(_ bytes: [UInt8], limits: HTTPParserLimits = HTTPParserLimits(), pieces: [Range<Int>]) -> ParseOutcome {
    var parser = HTTPRequestParser(limits: limits)
    var outcome = ParseOutcome()
    var stopped = false
    bytes.withUnsafeBytes { raw in
        for piece in pieces where !stopped {
            let input = UnsafeRawBufferPointer(rebasing: raw[piece])
            var offset = 0
            loop: while true {
                let rest = UnsafeRawBufferPointer(rebasing: input[offset...])
                let step = parser.parse(rest)
                switch step.event {
                case .needMore:
                    XCTAssertEqual(step.consumed, rest.count, "needMore must consume everything")
                    break loop
                case .head(let head):
                    outcome.messages.append(.init(
                        method: head.method.rawValue, target: head.target, version: head.version,
                        headers: head.headers.map { "\($0.name): \($0.value)" }, keepAlive: head.keepAlive,
                        framing: head.framing, expectsContinue: head.expectsContinue))
                case .body(let range):
                    outcome.messages[outcome.messages.count - 1].body.append(contentsOf: rest[range])
                case .end(let trailers):
                    outcome.messages[outcome.messages.count - 1].trailers = trailers.map { "\($0.name): \($0.value)" }
                    outcome.messages[outcome.messages.count - 1].complete = true
                case .error(let error):
                    outcome.error = error
                    stopped = true
                    break loop
                }
                offset += step.consumed
            }
        }
    }
    return outcome
}

func wholeInput(_ count: Int) -> [Range<Int>] { [0..<count] }

func fixedPieces(_ count: Int, size: Int) -> [Range<Int>] {
    stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
}

/// Parses `text` whole, checks that every 1-byte and 2-byte chunking and every split in two gives the same outcome.
func parse(_ text: String, limits: HTTPParserLimits = HTTPParserLimits(),
           file: StaticString = #filePath, line: UInt = #line) -> ParseOutcome {
    let bytes = Array(text.utf8)
    return parse(bytes: bytes, limits: limits, file: file, line: line)
}

func parse(bytes: [UInt8], limits: HTTPParserLimits = HTTPParserLimits(),
           file: StaticString = #filePath, line: UInt = #line) -> ParseOutcome {
    let reference = parseOutcome(bytes, limits: limits, pieces: wholeInput(bytes.count))
    var splits: [[Range<Int>]] = [fixedPieces(bytes.count, size: 1), fixedPieces(bytes.count, size: 2)]
    if bytes.count <= 4096 {
        for cut in 1..<max(1, bytes.count) { splits.append([0..<cut, cut..<bytes.count]) }
    }
    for pieces in splits {
        let other = parseOutcome(bytes, limits: limits, pieces: pieces)
        if other != reference {
            XCTFail("split into \(pieces.count) pieces (first \(pieces.first.map { "\($0)" } ?? "-")) gave\n\(other)\ninstead of\n\(reference)",
                    file: file, line: line)
            break
        }
    }
    return reference
}

/// Asserts that `text` is refused for `kind`, whatever the split.
func assertRefused(_ text: String, _ kind: HTTPParseError.Kind, status: Int, limits: HTTPParserLimits = HTTPParserLimits(),
                   file: StaticString = #filePath, line: UInt = #line) {
    let outcome = parse(text, limits: limits, file: file, line: line)
    XCTAssertEqual(outcome.error?.kind, kind, "\(text.debugDescription)", file: file, line: line)
    XCTAssertEqual(outcome.error?.status, status, file: file, line: line)
}
