import Glibc

/// A strict, incremental parser of one HTTP/1.1 response from an upstream server: status line,
/// header fields, then the body as `Content-Length`, chunked, or read-until-close. Feed it bytes in
/// any split; it returns what it found. It knows nothing of sockets, so a blocking client and an
/// event loop can both drive it.
///
/// It refuses what could be read two ways (RFC 9112): bare CR or LF, obsolete line folding,
/// whitespace before a colon, invalid characters, both `Content-Length` and `Transfer-Encoding`,
/// repeated or malformed `Content-Length`, and any transfer coding other than a lone `chunked`
/// (which would have to be decoded before the body could be passed on).
public struct HTTPResponseHeadParser {
    /// Size limits, in bytes unless named otherwise.
    public struct Limits: Sendable {
        public var maxHeadBytes = 64 * 1024
        public var maxHeaderCount = 128
        public var maxChunkLineBytes = 4096
        public var maxTrailerBytes = 16 * 1024
        public init() {}
    }

    private enum State {
        case head
        case fixedBody(remaining: Int64)
        case chunkLine
        case chunkData(remaining: Int64)
        case chunkDataEnd
        case trailers
        case untilClose
        case done
    }

    private let limits: Limits
    private let requestWasHead: Bool
    private var state = State.head
    private var pending: [UInt8] = []

    /// Whether the connection may carry another request once the response is complete.
    public private(set) var keepAlive = false
    /// Whether any byte has been fed (a failure before that may be retried on a fresh connection).
    public private(set) var receivedAnyByte = false

    /// A parser for the response to a request with `requestMethod` (a HEAD's response has no body).
    public init(requestMethod: String, limits: Limits = Limits()) {
        self.limits = limits
        requestWasHead = requestMethod.utf8.first == UInt8(ascii: "H") && requestMethod == "HEAD"
    }

    /// True once `.end` has been returned.
    public var isComplete: Bool {
        if case .done = state { return true }
        return false
    }

    /// Parses `bytes`; throws on the first violation.
    public mutating func feed(_ bytes: [UInt8]) throws -> [UpstreamResponseEvent] {
        try bytes.withUnsafeBytes { try feed($0) }
    }

    /// Parses `bytes`; throws on the first violation.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) throws -> [UpstreamResponseEvent] {
        var events: [UpstreamResponseEvent] = []
        try feed(bytes, into: &events)
        return events
    }

    /// Parses `bytes`, appending what it found to `events` (a buffer the caller reuses); throws on
    /// the first violation.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, into events: inout [UpstreamResponseEvent]) throws {
        var index = 0
        if !bytes.isEmpty { receivedAnyByte = true }
        while index < bytes.count {
            switch state {
            case .head:
                index = try consumeHead(bytes, from: index, into: &events)
            case .fixedBody(let remaining):
                let take = Int(min(remaining, Int64(bytes.count - index)))
                events.append(.body(Array(bytes[index..<index + take])))
                index += take
                if remaining == Int64(take) {
                    finishMessage(&events)
                } else {
                    state = .fixedBody(remaining: remaining - Int64(take))
                }
            case .chunkLine:
                index = try consumeLine(bytes, from: index, limit: limits.maxChunkLineBytes, what: "chunk size line")
                if let line = completedLine() {
                    let size = try Self.chunkSize(line)
                    pending.removeAll(keepingCapacity: true)
                    state = size == 0 ? .trailers : .chunkData(remaining: size)
                }
            case .chunkData(let remaining):
                let take = Int(min(remaining, Int64(bytes.count - index)))
                events.append(.body(Array(bytes[index..<index + take])))
                index += take
                state = remaining == Int64(take) ? .chunkDataEnd : .chunkData(remaining: remaining - Int64(take))
            case .chunkDataEnd:
                let byte = bytes[index]
                index += 1
                let expected: UInt8 = pending.isEmpty ? 13 : 10
                guard byte == expected else { throw UpstreamParseError.invalid("chunk data not followed by CRLF") }
                if byte == 10 {
                    pending.removeAll(keepingCapacity: true)
                    state = .chunkLine
                } else {
                    pending.append(byte)
                }
            case .trailers:
                index = try consumeLine(bytes, from: index, limit: limits.maxTrailerBytes, what: "trailer section")
                if pending == [13, 10] || (pending.count >= 4 && pending.suffix(4) == [13, 10, 13, 10]) {
                    pending.removeAll()
                    finishMessage(&events)
                }
            case .untilClose:
                events.append(.body(Array(bytes[index...])))
                index = bytes.count
            case .done:
                // Bytes after a complete response: the upstream is confused; never reuse this connection.
                keepAlive = false
                index = bytes.count
            }
        }
    }

    /// Tells the parser that the upstream closed the connection.
    public mutating func finish() throws -> [UpstreamResponseEvent] {
        switch state {
        case .done:
            return []
        case .untilClose:
            state = .done
            keepAlive = false
            return [.end]
        case .head:
            if !receivedAnyByte { throw UpstreamParseError.closedBeforeResponse }
            throw UpstreamParseError.truncated("inside the response head")
        default:
            throw UpstreamParseError.truncated("inside the response body")
        }
    }

    private mutating func finishMessage(_ events: inout [UpstreamResponseEvent]) {
        state = .done
        events.append(.end)
    }

    /// Parses the head, or keeps its bytes until its blank line has arrived. A head that arrives
    /// whole (the usual case) is parsed straight from `bytes` in one pass; any other, and any head
    /// that pass refuses, goes the careful way, so that an error never depends on the split.
    private mutating func consumeHead(_ bytes: UnsafeRawBufferPointer, from start: Int,
                                      into events: inout [UpstreamResponseEvent]) throws -> Int {
        guard start < bytes.count, let raw = bytes.baseAddress else { return start }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        var index = start
        while pending.isEmpty && index < bytes.count {
            let available = min(bytes.count - index, limits.maxHeadBytes)
            guard let parsed = try? UpstreamHeadSyntax.parse(base + index, count: available, storage: nil, requestWasHead: requestWasHead,
                                                             maxHeaderCount: limits.maxHeaderCount) else { break }
            index += parsed.length
            if accept(parsed, into: &events) { return index }
        }
        return try consumeHeadPiecewise(base, count: bytes.count, from: index, into: &events)
    }

    /// Takes a parsed head: false for an interim response (the final one follows), else the body's
    /// framing decides what comes next.
    private mutating func accept(_ parsed: UpstreamHeadSyntax.Parsed, into events: inout [UpstreamResponseEvent]) -> Bool {
        let status = parsed.head.status
        if status >= 100 && status < 200 && status != 101 { return false }
        keepAlive = parsed.keepAlive
        let framing = parsed.head.framing
        events.append(.head(parsed.head))
        switch framing {
        case .none, .contentLength(0): finishMessage(&events)
        case .contentLength(let length): state = .fixedBody(remaining: length)
        case .chunked: state = .chunkLine
        case .untilClose: state = .untilClose
        }
        return true
    }

    /// Appends head bytes until the blank line, then parses the head. Goes from line end to line
    /// end with `memchr` and appends the head in one piece. Every LF must follow a CR, and a CR may
    /// only come right before an LF.
    private mutating func consumeHeadPiecewise(_ base: UnsafePointer<UInt8>, count: Int, from start: Int,
                                               into events: inout [UpstreamResponseEvent]) throws -> Int {
        var index = start
        var segmentStart = start
        var held = pending.count
        var previous = pending.last ?? 0
        // Bytes of the current line so far (its CR included).
        var lineLength = held - ((pending.lastIndex(of: 10)).map { $0 + 1 } ?? 0)
        while index < count {
            if previous == 13 && base[index] != 10 { throw UpstreamParseError.invalid("bare CR") }
            guard let found = memchr(base + index, 10, count - index) else {
                if count - 1 > index && memchr(base + index, 13, count - 1 - index) != nil {
                    throw UpstreamParseError.invalid("bare CR")
                }
                guard held + (count - segmentStart) <= limits.maxHeadBytes else {
                    throw UpstreamParseError.tooLarge("head longer than \(limits.maxHeadBytes) bytes")
                }
                lineLength += count - index
                index = count
                break
            }
            let lineFeed = UnsafeRawPointer(found) - UnsafeRawPointer(base)
            if lineFeed - 1 > index && memchr(base + index, 13, lineFeed - 1 - index) != nil {
                throw UpstreamParseError.invalid("bare CR")
            }
            guard (lineFeed > index ? base[lineFeed - 1] : previous) == 13 else { throw UpstreamParseError.invalid("bare LF") }
            lineLength += lineFeed - index
            index = lineFeed + 1
            previous = 10
            guard held + (index - segmentStart) <= limits.maxHeadBytes else {
                throw UpstreamParseError.tooLarge("head longer than \(limits.maxHeadBytes) bytes")
            }
            let emptyLine = lineLength == 1
            lineLength = 0
            guard emptyLine, held + (index - segmentStart) >= 4 else { continue }
            pending.append(contentsOf: UnsafeBufferPointer(start: base + segmentStart, count: index - segmentStart))
            segmentStart = index
            let head = pending
            // The head keeps these bytes as its fields' storage.
            pending = []
            held = 0
            previous = 0
            let parsed = try head.withUnsafeBufferPointer { buffer -> UpstreamHeadSyntax.Parsed in
                guard let start = buffer.baseAddress,
                      let parsed = try UpstreamHeadSyntax.parse(start, count: buffer.count, storage: head, requestWasHead: requestWasHead,
                                                                maxHeaderCount: limits.maxHeaderCount),
                      parsed.length == buffer.count else { throw UpstreamParseError.invalid("empty head") }
                return parsed
            }
            if accept(parsed, into: &events) { return index }
        }
        pending.append(contentsOf: UnsafeBufferPointer(start: base + segmentStart, count: index - segmentStart))
        return index
    }

    /// Appends bytes up to and including the next LF.
    private mutating func consumeLine(_ bytes: UnsafeRawBufferPointer, from start: Int, limit: Int, what: String) throws -> Int {
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            try checkLineEnding(byte)
            pending.append(byte)
            guard pending.count <= limit else { throw UpstreamParseError.tooLarge("\(what) longer than \(limit) bytes") }
            if byte == 10 { return index }
        }
        return index
    }

    /// Rejects a CR not followed by LF and an LF not preceded by CR.
    private func checkLineEnding(_ byte: UInt8) throws {
        let previousIsCR = pending.last == 13
        if byte == 10 && !previousIsCR { throw UpstreamParseError.invalid("bare LF") }
        if byte != 10 && previousIsCR { throw UpstreamParseError.invalid("bare CR") }
    }

    private func completedLine() -> ArraySlice<UInt8>? {
        pending.last == 10 ? pending.dropLast(2) : nil
    }

    /// `chunk-size [ chunk-ext ]` without its CRLF.
    static func chunkSize(_ line: ArraySlice<UInt8>) throws -> Int64 {
        var size: Int64 = 0
        var digits = 0
        var index = line.startIndex
        while index < line.endIndex, let digit = hexDigit(line[index]) {
            guard digits < 15 else { throw UpstreamParseError.invalid("chunk size too large") }
            size = size << 4 | Int64(digit)
            digits += 1
            index += 1
        }
        guard digits > 0 else { throw UpstreamParseError.invalid("chunk size is not hexadecimal") }
        while index < line.endIndex, line[index] == 32 || line[index] == 9 { index += 1 }
        if index < line.endIndex {
            guard line[index] == UInt8(ascii: ";") else { throw UpstreamParseError.invalid("junk after chunk size") }
            guard line[index...].allSatisfy({ $0 == 9 || ($0 >= 32 && $0 != 127) }) else {
                throw UpstreamParseError.invalid("control character in chunk extension")
            }
        }
        return size
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
