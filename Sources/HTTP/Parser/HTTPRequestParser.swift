/// What one call to `HTTPRequestParser.parse(_:)` produced.
public enum HTTPParserEvent {
    /// Every byte given was consumed; feed more.
    case needMore
    /// The request line and headers are complete.
    case head(HTTPRequestHead)
    /// Body bytes (after chunked decoding): these indices of the input given to this call.
    case body(Range<Int>)
    /// The request is complete; the next bytes belong to the next request.
    case end(trailers: HTTPHeaders)
    /// The request is refused; the connection must close after the error response.
    case error(HTTPParseError)
}

/// The result of one call to `HTTPRequestParser.parse(_:)`: how many input bytes it used, and what they made.
public struct HTTPParserStep {
    public let consumed: Int
    public let event: HTTPParserEvent
}

/// A strict RFC 9112 request parser: a state machine over bytes, with no I/O and no clock.
///
/// Call `parse(_:)` with unconsumed input until it answers `.needMore` (everything consumed) or
/// `.error`. Any split of the same bytes yields the same events. After `.end`, further bytes are
/// the next (pipelined) request.
public struct HTTPRequestParser {
    public let limits: HTTPParserLimits

    @usableFromInline
    enum State: UInt8 {
        case lineStart, lineStartLF, method, targetStart, target, version, requestLineLF
        case fieldStart, fieldName, fieldValueStart, fieldValue, fieldLF, sectionEndLF
        case identityBody
        case chunkSizeStart, chunkSize, chunkExtension, chunkSizeLF, chunkData, chunkDataCR, chunkDataLF
        case messageEnd, failed
    }

    var state: State = .lineStart
    var failure: HTTPParseError?
    var inTrailers = false

    // The head (or trailer section) being read: its bytes, and positions within them.
    var headBytes: [UInt8] = []
    var fields: [HTTPHeaders.Field] = []
    var positionLimit: Int
    var limitKind: HTTPParseError.Kind = .requestLineTooLong
    var emptyLines = 0
    var methodStart = 0
    var methodEnd = 0
    var targetStart = 0
    var targetEnd = 0
    var versionIndex = 0
    var versionMajor: UInt8 = 0
    var versionMinor: UInt8 = 0
    var requestLineEnd = 0
    var nameStart = 0
    var nameEnd = 0
    var valueStart = 0
    var valueEnd = 0

    // What the headers said.
    var hostCount = 0
    var contentLength: Int?
    var transferEncodingSeen = false
    var chunkedCount = 0
    var lastCodingIsChunked = false
    var otherCodingSeen = false
    var connectionClose = false
    var connectionKeepAlive = false
    var expectsContinue = false

    // The body.
    var bodyRemaining = 0
    var bodyTotal = 0
    var chunkSize = 0
    var chunkDigits = 0
    var chunkExtensionBytes = 0
    /// Bytes of the current message consumed by earlier calls, once the head is done (for error offsets).
    var messageBase = 0

    /// A parser waiting for the first request of a connection.
    public init(limits: HTTPParserLimits = HTTPParserLimits()) {
        self.limits = limits
        positionLimit = limits.maxRequestLineBytes
    }

    /// Whether the parser sits between requests with nothing of the next one read yet.
    public var isIdle: Bool { state == .lineStart && headBytes.isEmpty }

    /// Parses from the start of `input`; see the type's documentation.
    public mutating func parse(_ input: UnsafeRawBufferPointer) -> HTTPParserStep {
        switch state {
        case .failed:
            return HTTPParserStep(consumed: 0, event: .error(failure ?? HTTPParseError(.invalidMethod, at: 0)))
        case .messageEnd:
            let trailers = HTTPHeaders(storage: headBytes, fields: fields)
            resetForNextMessage()
            return HTTPParserStep(consumed: 0, event: .end(trailers: trailers))
        case .identityBody:
            let n = min(bodyRemaining, input.count)
            bodyRemaining -= n
            messageBase += n
            if bodyRemaining == 0 { state = .messageEnd }
            return HTTPParserStep(consumed: n, event: n == 0 ? .needMore : .body(0..<n))
        default:
            return parseBytes(input)
        }
    }

    /// Convenience for tests and tools: feeds `bytes` and collects events, body bytes copied.
    public mutating func feed(_ bytes: [UInt8]) -> [HTTPParserEventCopy] {
        var out: [HTTPParserEventCopy] = []
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while true {
                let step = parse(UnsafeRawBufferPointer(rebasing: raw[offset...]))
                switch step.event {
                case .needMore:
                    return
                case .head(let head):
                    out.append(.head(head))
                case .body(let range):
                    let slice = UnsafeRawBufferPointer(rebasing: raw[offset...])
                    out.append(.body(Array(slice[range])))
                case .end(let trailers):
                    out.append(.end(trailers: trailers))
                case .error(let error):
                    out.append(.error(error))
                    return
                }
                offset += step.consumed
            }
        }
        return out
    }

    // MARK: - The byte loop

    @inline(__always)
    func isHeadState(_ s: State) -> Bool { s.rawValue <= State.sectionEndLF.rawValue }

    mutating func parseBytes(_ input: UnsafeRawBufferPointer) -> HTTPParserStep {
        let n = input.count
        var flushFrom = 0
        var i = 0

        // Appends the not yet stored head bytes before `end` to `headBytes`.
        func flush(_ parser: inout HTTPRequestParser, to end: Int) {
            if end > flushFrom {
                if parser.headBytes.isEmpty {
                    // One allocation for the head, sized by what is at hand (usually the whole head).
                    parser.headBytes.reserveCapacity(max(256, min(input.count - flushFrom, parser.limits.maxHeaderBytes)))
                }
                parser.headBytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[flushFrom..<end]))
            }
            flushFrom = end
        }

        while i < n {
            let b = input[i]
            // Position of this byte within the head (or trailer section).
            let pos = headBytes.count + i - flushFrom
            if isHeadState(state) && pos >= positionLimit {
                return fail(limitKind, at: errorOffset(pos: pos, i: i))
            }
            switch state {
            case .lineStart:
                if b == asciiCR {
                    state = .lineStartLF
                } else if isTokenCharacter(b) {
                    methodStart = pos
                    state = .method
                } else if b == asciiLF {
                    return fail(.bareLF, at: pos)
                } else {
                    return fail(.invalidMethod, at: pos)
                }
            case .lineStartLF:
                guard b == asciiLF else { return fail(.bareCR, at: pos) }
                emptyLines += 1
                if emptyLines > 8 { return fail(.tooManyEmptyLinesBeforeRequestLine, at: pos) }
                state = .lineStart
            case .method:
                if b == asciiSpace {
                    methodEnd = pos
                    state = .targetStart
                } else if !isTokenCharacter(b) {
                    return fail(.invalidMethod, at: pos)
                } else if pos - methodStart >= limits.maxMethodBytes {
                    return fail(.methodNotImplemented, at: pos)
                }
            case .targetStart:
                if isTargetCharacter(b) {
                    targetStart = pos
                    state = .target
                } else if b == asciiSpace {
                    return fail(.invalidRequestLineSeparator, at: pos)
                } else {
                    return fail(.invalidTargetCharacter, at: pos)
                }
            case .target:
                if isTargetCharacter(b) {
                    // Runs of ordinary bytes are skipped in a tight loop, stopping where the size limit applies.
                    i = scan(input, from: i, to: min(n, i + positionLimit - pos), while: isTargetCharacter)
                    continue
                } else if b == asciiSpace {
                    targetEnd = pos
                    versionIndex = 0
                    state = .version
                } else if !isTargetCharacter(b) {
                    return fail(b == asciiCR || b == asciiLF ? .invalidVersion : .invalidTargetCharacter, at: pos)
                }
            case .version:
                let ok: Bool
                switch versionIndex {
                case 0: ok = b == 0x48
                case 1, 2: ok = b == 0x54
                case 3: ok = b == 0x50
                case 4: ok = b == 0x2F
                case 5: ok = isDigit(b); versionMajor = b
                case 6: ok = b == 0x2E
                case 7: ok = isDigit(b); versionMinor = b
                default:
                    if b == asciiCR {
                        guard versionMajor == 0x31 && (versionMinor == 0x30 || versionMinor == 0x31) else {
                            return fail(.unsupportedVersion, at: pos)
                        }
                        state = .requestLineLF
                        ok = true
                    } else {
                        return fail(b == asciiSpace ? .invalidRequestLineSeparator : (b == asciiLF ? .bareLF : .invalidVersion), at: pos)
                    }
                }
                if !ok {
                    return fail(versionIndex == 0 && b == asciiSpace ? .invalidRequestLineSeparator : .invalidVersion, at: pos)
                }
                versionIndex += 1
            case .requestLineLF:
                guard b == asciiLF else { return fail(.bareCR, at: pos) }
                flush(&self, to: i)
                if let error = checkRequestLine() { return fail(error, at: methodStart) }
                requestLineEnd = pos + 1
                positionLimit = requestLineEnd + limits.maxHeaderBytes
                limitKind = .headerSectionTooLarge
                state = .fieldStart
            case .fieldStart:
                if b == asciiCR {
                    state = .sectionEndLF
                } else if isTokenCharacter(b) {
                    nameStart = pos
                    state = .fieldName
                } else if b == asciiSpace || b == asciiTab {
                    let kind: HTTPParseError.Kind = fields.isEmpty ? .whitespaceBeforeFirstHeader : .obsoleteLineFolding
                    return fail(kind, at: errorOffset(pos: pos, i: i))
                } else if b == asciiLF {
                    return fail(.bareLF, at: errorOffset(pos: pos, i: i))
                } else {
                    return fail(.invalidHeaderName, at: errorOffset(pos: pos, i: i))
                }
            case .fieldName:
                if isTokenCharacter(b) {
                    i = scan(input, from: i, to: min(n, i + positionLimit - pos), while: isTokenCharacter)
                    continue
                } else if b == asciiColon {
                    nameEnd = pos
                    state = .fieldValueStart
                } else if b == asciiSpace || b == asciiTab {
                    return fail(.spaceBeforeColon, at: errorOffset(pos: pos, i: i))
                } else if !isTokenCharacter(b) {
                    return fail(.invalidHeaderName, at: errorOffset(pos: pos, i: i))
                }
            case .fieldValueStart:
                if b == asciiSpace || b == asciiTab {
                    break
                } else if isFieldVisibleCharacter(b) {
                    valueStart = pos
                    valueEnd = pos + 1
                    state = .fieldValue
                } else if b == asciiCR {
                    valueStart = pos
                    valueEnd = pos
                    state = .fieldLF
                } else {
                    return fail(b == asciiLF ? .bareLF : .invalidHeaderValueCharacter, at: errorOffset(pos: pos, i: i))
                }
            case .fieldValue:
                if isFieldVisibleCharacter(b) || b == asciiSpace || b == asciiTab {
                    let stop = min(n, i + positionLimit - pos)
                    var j = i
                    var lastVisible = -1
                    while j < stop {
                        let c = input[j]
                        if isFieldVisibleCharacter(c) {
                            lastVisible = j
                        } else if c != asciiSpace && c != asciiTab {
                            break
                        }
                        j += 1
                    }
                    if lastVisible >= 0 { valueEnd = pos + (lastVisible - i) + 1 }
                    i = j
                    continue
                } else if b == asciiCR {
                    state = .fieldLF
                } else {
                    return fail(b == asciiLF ? .bareLF : .invalidHeaderValueCharacter, at: errorOffset(pos: pos, i: i))
                }
            case .fieldLF:
                guard b == asciiLF else { return fail(.bareCR, at: errorOffset(pos: pos, i: i)) }
                if fields.count >= limits.maxHeaderCount {
                    return fail(.tooManyHeaders, at: errorOffset(pos: pos, i: i))
                }
                if fields.isEmpty { fields.reserveCapacity(16) }
                fields.append(HTTPHeaders.Field(nameStart: Int32(nameStart), nameEnd: Int32(nameEnd),
                                                valueStart: Int32(valueStart), valueEnd: Int32(valueEnd)))
                if !inTrailers {
                    flush(&self, to: i)
                    if let error = inspectField() { return fail(error, at: nameStart) }
                }
                state = .fieldStart
            case .sectionEndLF:
                guard b == asciiLF else { return fail(.bareCR, at: errorOffset(pos: pos, i: i)) }
                flush(&self, to: i + 1)
                if inTrailers {
                    return HTTPParserStep(consumed: i + 1, event: parseEndNow())
                }
                return finishHead(consumed: i + 1)
            case .chunkSizeStart:
                guard let digit = hexValue(b) else { return fail(.invalidChunkSize, at: messageBase + i) }
                chunkSize = digit
                chunkDigits = 1
                state = .chunkSize
            case .chunkSize:
                if let digit = hexValue(b) {
                    chunkDigits += 1
                    if chunkDigits > limits.maxChunkSizeDigits { return fail(.chunkSizeTooLong, at: messageBase + i) }
                    chunkSize = chunkSize &* 16 &+ digit
                } else if b == 0x3B {
                    chunkExtensionBytes = 0
                    state = .chunkExtension
                } else if b == asciiCR {
                    state = .chunkSizeLF
                } else {
                    return fail(b == asciiLF ? .bareLF : .invalidChunkSize, at: messageBase + i)
                }
            case .chunkExtension:
                if b == asciiCR {
                    state = .chunkSizeLF
                } else if isFieldVisibleCharacter(b) || b == asciiSpace || b == asciiTab {
                    chunkExtensionBytes += 1
                    if chunkExtensionBytes > limits.maxChunkExtensionBytes {
                        return fail(.invalidChunkExtension, at: messageBase + i)
                    }
                } else {
                    return fail(b == asciiLF ? .bareLF : .invalidChunkExtension, at: messageBase + i)
                }
            case .chunkSizeLF:
                guard b == asciiLF else { return fail(.bareCR, at: messageBase + i) }
                if chunkSize == 0 {
                    // The trailer section follows; it is stored like a header section.
                    messageBase += i + 1
                    headBytes.removeAll(keepingCapacity: true)
                    fields.removeAll(keepingCapacity: true)
                    flushFrom = i + 1
                    inTrailers = true
                    positionLimit = limits.maxHeaderBytes
                    limitKind = .headerSectionTooLarge
                    state = .fieldStart
                } else {
                    if chunkSize > limits.maxBodyBytes - bodyTotal { return fail(.bodyTooLarge, at: messageBase + i) }
                    bodyTotal += chunkSize
                    bodyRemaining = chunkSize
                    state = .chunkData
                }
            case .chunkData:
                let take = min(bodyRemaining, n - i)
                bodyRemaining -= take
                if bodyRemaining == 0 { state = .chunkDataCR }
                messageBase += i + take
                return HTTPParserStep(consumed: i + take, event: .body(i..<(i + take)))
            case .chunkDataCR:
                guard b == asciiCR else { return fail(.invalidChunkTerminator, at: messageBase + i) }
                state = .chunkDataLF
            case .chunkDataLF:
                guard b == asciiLF else { return fail(.invalidChunkTerminator, at: messageBase + i) }
                state = .chunkSizeStart
            case .identityBody, .messageEnd, .failed:
                // Handled in parse(_:) before the byte loop is entered.
                return parse(UnsafeRawBufferPointer(rebasing: input[i...])).offset(by: i)
            }
            i += 1
        }
        if isHeadState(state) {
            flush(&self, to: n)
        }
        if !isHeadState(state) {
            messageBase += n
        }
        return HTTPParserStep(consumed: n, event: .needMore)
    }

    /// The index of the first byte from `start` (below `end`) that is not in `class`, or `end`.
    @inline(__always)
    func scan(_ input: UnsafeRawBufferPointer, from start: Int, to end: Int, while inClass: (UInt8) -> Bool) -> Int {
        var j = start
        while j < end && inClass(input[j]) { j += 1 }
        return j
    }

    mutating func parseEndNow() -> HTTPParserEvent {
        let trailers = HTTPHeaders(storage: headBytes, fields: fields)
        resetForNextMessage()
        return .end(trailers: trailers)
    }

    func errorOffset(pos: Int, i: Int) -> Int {
        inTrailers ? messageBase + pos : pos
    }

    mutating func fail(_ kind: HTTPParseError.Kind, at offset: Int) -> HTTPParserStep {
        let error = HTTPParseError(kind, at: offset)
        failure = error
        state = .failed
        return HTTPParserStep(consumed: 0, event: .error(error))
    }

    // MARK: - Checks on the request line and fields

    func checkRequestLine() -> HTTPParseError.Kind? {
        headBytes.withUnsafeBufferPointer { bytes -> HTTPParseError.Kind? in
            let method = UnsafeBufferPointer(rebasing: bytes[methodStart..<methodEnd])
            let target = UnsafeBufferPointer(rebasing: bytes[targetStart..<targetEnd])
            let isConnect = method.elementsEqual("CONNECT".utf8)
            if isConnect { return .methodNotImplemented }
            if target[0] == 0x2F { return nil }
            if target.count == 1 && target[0] == 0x2A {
                return method.elementsEqual("OPTIONS".utf8) ? nil : .invalidTargetForm
            }
            // absolute-form: http:// or https:// then a non-empty authority
            let prefix: Int
            if startsWithIgnoringASCIICase(target, "http://") {
                prefix = 7
            } else if startsWithIgnoringASCIICase(target, "https://") {
                prefix = 8
            } else {
                return .invalidTargetForm
            }
            if target.count == prefix || target[prefix] == 0x2F || target[prefix] == 0x3F { return .invalidTargetForm }
            return nil
        }
    }

    func startsWithIgnoringASCIICase(_ bytes: UnsafeBufferPointer<UInt8>, _ lowercase: StaticString) -> Bool {
        let count = lowercase.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        return equalsIgnoringASCIICase(UnsafeBufferPointer(rebasing: bytes[0..<count]), lowercase)
    }

    /// Applies what a just-completed header field says about framing, Host, Connection and Expect.
    mutating func inspectField() -> HTTPParseError.Kind? {
        let length = nameEnd - nameStart
        guard length == 4 || length == 6 || length == 10 || length == 14 || length == 17 else { return nil }
        return headBytes.withUnsafeBufferPointer { bytes -> HTTPParseError.Kind? in
            let name = UnsafeBufferPointer(rebasing: bytes[nameStart..<nameEnd])
            let value = UnsafeBufferPointer(rebasing: bytes[valueStart..<valueEnd])
            switch length {
            case 4 where equalsIgnoringASCIICase(name, "host"):
                hostCount += 1
                if hostCount > 1 { return .duplicateHost }
                for b in value where !isHostCharacter(b) { return .invalidHost }
            case 6 where equalsIgnoringASCIICase(name, "expect"):
                if equalsIgnoringASCIICase(value, "100-continue") {
                    expectsContinue = true
                } else {
                    return .unsupportedExpectation
                }
            case 10 where equalsIgnoringASCIICase(name, "connection"):
                forEachListElement(value) { element in
                    if equalsIgnoringASCIICase(element, "close") { connectionClose = true }
                    if equalsIgnoringASCIICase(element, "keep-alive") { connectionKeepAlive = true }
                    return true
                }
            case 14 where equalsIgnoringASCIICase(name, "content-length"):
                if contentLength != nil { return .duplicateContentLength }
                guard !value.isEmpty else { return .invalidContentLength }
                var number = 0
                for b in value {
                    guard isDigit(b) else { return .invalidContentLength }
                    number = number &* 10 &+ Int(b &- 0x30)
                }
                if value.count > 18 { return .bodyTooLarge }
                contentLength = number
            case 17 where equalsIgnoringASCIICase(name, "transfer-encoding"):
                transferEncodingSeen = true
                var malformed = false
                forEachListElement(value) { element in
                    if element.isEmpty || !element.allSatisfy(isTokenCharacter) {
                        malformed = true
                        return false
                    }
                    if equalsIgnoringASCIICase(element, "chunked") {
                        chunkedCount += 1
                        lastCodingIsChunked = true
                    } else {
                        otherCodingSeen = true
                        lastCodingIsChunked = false
                    }
                    return true
                }
                if malformed { return .invalidTransferEncoding }
            default:
                break
            }
            return nil
        }
    }

    /// Calls `body` with each comma-separated element of `value`, optional whitespace trimmed; stops when it returns false.
    func forEachListElement(_ value: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Bool) {
        var start = 0
        var index = 0
        while index <= value.count {
            if index == value.count || value[index] == 0x2C {
                var s = start
                var e = index
                while s < e && (value[s] == asciiSpace || value[s] == asciiTab) { s += 1 }
                while e > s && (value[e - 1] == asciiSpace || value[e - 1] == asciiTab) { e -= 1 }
                if !body(UnsafeBufferPointer(rebasing: value[s..<e])) { return }
                start = index + 1
            }
            index += 1
        }
    }

    func isHostCharacter(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case 0x2D, 0x2E, 0x5F, 0x7E, 0x21, 0x24, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x3B, 0x3D, 0x3A, 0x5B, 0x5D, 0x25:
            return true
        default: return false
        }
    }

    // MARK: - End of the head

    mutating func finishHead(consumed: Int) -> HTTPParserStep {
        let version: HTTPVersion = versionMinor == 0x30 ? .http1_0 : .http1_1
        let headLength = headBytes.count
        if version == .http1_1 && hostCount == 0 { return fail(.missingHost, at: headLength) }
        var framing = HTTPBodyFraming.none
        if transferEncodingSeen {
            if contentLength != nil { return fail(.contentLengthWithTransferEncoding, at: headLength) }
            if version == .http1_0 { return fail(.transferEncodingInHTTP10, at: headLength) }
            if chunkedCount > 1 || (chunkedCount == 1 && !lastCodingIsChunked) || (chunkedCount == 0 && !otherCodingSeen) {
                return fail(.invalidTransferEncoding, at: headLength)
            }
            if otherCodingSeen { return fail(.unsupportedTransferEncoding, at: headLength) }
            framing = .chunked
        } else if let length = contentLength {
            if length > limits.maxBodyBytes { return fail(.bodyTooLarge, at: headLength) }
            if length > 0 { framing = .length(length) }
        }
        let keepAlive = version == .http1_1 ? !connectionClose : (connectionKeepAlive && !connectionClose)
        let (method, target) = headBytes.withUnsafeBufferPointer { bytes in
            (String(decoding: UnsafeBufferPointer(rebasing: bytes[methodStart..<methodEnd]), as: UTF8.self),
             String(decoding: UnsafeBufferPointer(rebasing: bytes[targetStart..<targetEnd]), as: UTF8.self))
        }
        let head = HTTPRequestHead(
            method: HTTPMethod(rawValue: method), target: target, version: version,
            headers: HTTPHeaders(storage: headBytes, fields: fields),
            keepAlive: keepAlive, framing: framing,
            expectsContinue: expectsContinue && version == .http1_1)
        resetForNextMessage()
        messageBase = headLength
        switch framing {
        case .none:
            state = .messageEnd
        case .length(let length):
            bodyRemaining = length
            state = .identityBody
        case .chunked:
            state = .chunkSizeStart
        }
        return HTTPParserStep(consumed: consumed, event: .head(head))
    }

    mutating func resetForNextMessage() {
        state = .lineStart
        inTrailers = false
        headBytes = []
        fields = []
        positionLimit = limits.maxRequestLineBytes
        limitKind = .requestLineTooLong
        emptyLines = 0
        hostCount = 0
        contentLength = nil
        transferEncodingSeen = false
        chunkedCount = 0
        lastCodingIsChunked = false
        otherCodingSeen = false
        connectionClose = false
        connectionKeepAlive = false
        expectsContinue = false
        bodyRemaining = 0
        bodyTotal = 0
        messageBase = 0
    }
}

extension HTTPParserStep {
    func offset(by count: Int) -> HTTPParserStep {
        let event: HTTPParserEvent
        if case .body(let range) = self.event {
            event = .body((range.lowerBound + count)..<(range.upperBound + count))
        } else {
            event = self.event
        }
        return HTTPParserStep(consumed: consumed + count, event: event)
    }
}

/// `HTTPParserEvent` with body bytes copied out, for tests and tools.
public enum HTTPParserEventCopy {
    case head(HTTPRequestHead)
    case body([UInt8])
    case end(trailers: HTTPHeaders)
    case error(HTTPParseError)
}
