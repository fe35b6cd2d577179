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
    /// The first `fieldCount` are the section's fields. The array is kept from message to message (it never
    /// shrinks); each section's fields are copied out in one allocation of their size.
    var fields: [HTTPHeaders.Field] = []
    var fieldCount = 0
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
            return HTTPParserStep(consumed: 0, event: parseEndNow())
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
        isHeadState(state) ? parseSection(input) : parseChunked(input)
    }

    /// The request line and header section, or a trailer section.
    ///
    /// Bytes are read where they are and copied to `headBytes` once, when the section ends or the input
    /// runs out (earlier only when a check needs bytes that an earlier call stored).
    mutating func parseSection(_ raw: UnsafeRawBufferPointer) -> HTTPParserStep {
        // Callers hand in bytes (socket buffers, arrays of UInt8).
        let input = raw.assumingMemoryBound(to: UInt8.self)
        let n = input.count
        // The section position of input index 0; positions count from the start of the section.
        let delta = headBytes.count
        // Input before this index is in `headBytes` too.
        var stored = 0
        // Bytes from this index on lie past the size limit of the part being read.
        var end = max(0, min(n, positionLimit - delta))
        var i = 0

        while i < end {
            let b = input[i]
            let pos = i &+ delta
            switch state {
            case .lineStart:
                if b == asciiCR {
                    state = .lineStartLF
                } else if isTokenCharacter(b) {
                    methodStart = pos
                    state = .method
                    i = scan(input, from: i + 1, to: min(end, i + limits.maxMethodBytes), ByteClass.token)
                    continue
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
                } else {
                    i = scan(input, from: i + 1, to: min(end, methodStart - delta + limits.maxMethodBytes), ByteClass.token)
                    continue
                }
            case .targetStart:
                if isTargetCharacter(b) {
                    targetStart = pos
                    state = .target
                    i = scan(input, from: i + 1, to: end, ByteClass.target, words: areTargetCharacters)
                    continue
                } else if b == asciiSpace {
                    return fail(.invalidRequestLineSeparator, at: pos)
                } else {
                    return fail(.invalidTargetCharacter, at: pos)
                }
            case .target:
                if isTargetCharacter(b) {
                    i = scan(input, from: i + 1, to: end, ByteClass.target, words: areTargetCharacters)
                    continue
                } else if b == asciiSpace {
                    targetEnd = pos
                    versionIndex = 0
                    state = .version
                    // The usual `HTTP/1.x` and CR in one step; anything else goes byte by byte below.
                    if end - i >= 10, let minor = knownVersion(input, at: i + 1) {
                        versionMajor = 0x31
                        versionMinor = minor
                        versionIndex = 8
                        state = .requestLineLF
                        i += 10
                        continue
                    }
                } else {
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
                let error: HTTPParseError.Kind?
                if methodStart >= delta {
                    error = checkRequestLine(method: slice(input, methodStart - delta, methodEnd - delta),
                                             target: slice(input, targetStart - delta, targetEnd - delta))
                } else {
                    store(input, from: &stored, to: i, sectionEnds: false)
                    error = headBytes.withUnsafeBufferPointer { bytes in
                        checkRequestLine(method: slice(bytes, methodStart, methodEnd), target: slice(bytes, targetStart, targetEnd))
                    }
                }
                if let error { return fail(error, at: methodStart) }
                requestLineEnd = pos + 1
                positionLimit = requestLineEnd + limits.maxHeaderBytes
                limitKind = .headerSectionTooLarge
                end = max(0, min(n, positionLimit - delta))
                state = .fieldStart
            case .fieldStart:
                if b == asciiCR {
                    state = .sectionEndLF
                } else if isTokenCharacter(b) {
                    nameStart = pos
                    state = .fieldName
                    i = scan(input, from: i + 1, to: end, ByteClass.token)
                    continue
                } else if b == asciiSpace || b == asciiTab {
                    let kind: HTTPParseError.Kind = fieldCount == 0 ? .whitespaceBeforeFirstHeader : .obsoleteLineFolding
                    return fail(kind, at: errorOffset(pos))
                } else if b == asciiLF {
                    return fail(.bareLF, at: errorOffset(pos))
                } else {
                    return fail(.invalidHeaderName, at: errorOffset(pos))
                }
            case .fieldName:
                if isTokenCharacter(b) {
                    i = scan(input, from: i + 1, to: end, ByteClass.token)
                    continue
                } else if b == asciiColon {
                    nameEnd = pos
                    state = .fieldValueStart
                    // Optional whitespace before the value is all that state skips.
                    i += 1
                    while i < end && (input[i] == asciiSpace || input[i] == asciiTab) { i += 1 }
                    continue
                } else if b == asciiSpace || b == asciiTab {
                    return fail(.spaceBeforeColon, at: errorOffset(pos))
                } else {
                    return fail(.invalidHeaderName, at: errorOffset(pos))
                }
            case .fieldValueStart:
                if b == asciiSpace || b == asciiTab {
                    break
                } else if isFieldVisibleCharacter(b) {
                    valueStart = pos
                    valueEnd = pos + 1
                    state = .fieldValue
                    i = scanFieldValue(input, from: i + 1, to: end, delta: delta)
                    // The CR after the value, taken here rather than by another turn of the loop.
                    if i < end && input[i] == asciiCR {
                        state = .fieldLF
                        i += 1
                    }
                    continue
                } else if b == asciiCR {
                    valueStart = pos
                    valueEnd = pos
                    state = .fieldLF
                } else {
                    return fail(b == asciiLF ? .bareLF : .invalidHeaderValueCharacter, at: errorOffset(pos))
                }
            case .fieldValue:
                if byteClasses(b) & ByteClass.fieldValue != 0 {
                    i = scanFieldValue(input, from: i, to: end, delta: delta)
                    continue
                } else if b == asciiCR {
                    state = .fieldLF
                } else {
                    return fail(b == asciiLF ? .bareLF : .invalidHeaderValueCharacter, at: errorOffset(pos))
                }
            case .fieldLF:
                guard b == asciiLF else { return fail(.bareCR, at: errorOffset(pos)) }
                if fieldCount >= limits.maxHeaderCount {
                    return fail(.tooManyHeaders, at: errorOffset(pos))
                }
                let field = HTTPHeaders.Field(nameStart: Int32(nameStart), nameEnd: Int32(nameEnd),
                                              valueStart: Int32(valueStart), valueEnd: Int32(valueEnd))
                if fieldCount < fields.count {
                    fields[fieldCount] = field
                } else {
                    if fields.isEmpty { fields.reserveCapacity(16) }
                    fields.append(field)
                }
                fieldCount += 1
                if !inTrailers && isInspectedNameLength(nameEnd - nameStart) {
                    let error: HTTPParseError.Kind?
                    if nameStart >= delta {
                        error = inspectField(name: slice(input, nameStart - delta, nameEnd - delta),
                                             value: slice(input, valueStart - delta, valueEnd - delta))
                    } else {
                        // The field began in an earlier call: read it from the stored bytes.
                        store(input, from: &stored, to: i, sectionEnds: false)
                        let head = headBytes
                        error = head.withUnsafeBufferPointer { bytes in
                            inspectField(name: slice(bytes, nameStart, nameEnd), value: slice(bytes, valueStart, valueEnd))
                        }
                    }
                    if let error { return fail(error, at: nameStart) }
                }
                state = .fieldStart
            case .sectionEndLF:
                guard b == asciiLF else { return fail(.bareCR, at: errorOffset(pos)) }
                store(input, from: &stored, to: i + 1, sectionEnds: true)
                if inTrailers {
                    return HTTPParserStep(consumed: i + 1, event: parseEndNow())
                }
                return finishHead(consumed: i + 1)
            case .identityBody, .messageEnd, .failed,
                 .chunkSizeStart, .chunkSize, .chunkExtension, .chunkSizeLF, .chunkData, .chunkDataCR, .chunkDataLF:
                // Not section states: parseBytes(_:) sends these elsewhere.
                return parse(UnsafeRawBufferPointer(rebasing: raw[i...])).offset(by: i)
            }
            i += 1
        }
        if i < n {
            return fail(limitKind, at: errorOffset(i + delta))
        }
        store(input, from: &stored, to: n, sectionEnds: false)
        return HTTPParserStep(consumed: n, event: .needMore)
    }

    /// The chunked body, up to the end of the last chunk's size line.
    mutating func parseChunked(_ input: UnsafeRawBufferPointer) -> HTTPParserStep {
        let n = input.count
        var i = 0
        while i < n {
            let b = input[i]
            switch state {
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
                } else if byteClasses(b) & ByteClass.fieldValue != 0 {
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
                    // The trailer section follows; it is read and stored like a header section.
                    messageBase += i + 1
                    headBytes.removeAll(keepingCapacity: true)
                    fieldCount = 0
                    inTrailers = true
                    positionLimit = limits.maxHeaderBytes
                    limitKind = .headerSectionTooLarge
                    state = .fieldStart
                    return parseSection(UnsafeRawBufferPointer(rebasing: input[(i + 1)...])).offset(by: i + 1)
                }
                if chunkSize > limits.maxBodyBytes - bodyTotal { return fail(.bodyTooLarge, at: messageBase + i) }
                bodyTotal += chunkSize
                bodyRemaining = chunkSize
                state = .chunkData
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
            case .lineStart, .lineStartLF, .method, .targetStart, .target, .version, .requestLineLF,
                 .fieldStart, .fieldName, .fieldValueStart, .fieldValue, .fieldLF, .sectionEndLF,
                 .identityBody, .messageEnd, .failed:
                // Not chunk states: parseBytes(_:) and parse(_:) handle these.
                return parse(UnsafeRawBufferPointer(rebasing: input[i...])).offset(by: i)
            }
            i += 1
        }
        messageBase += n
        return HTTPParserStep(consumed: n, event: .needMore)
    }

    /// The index of the first byte from `start` (below `end`) that is not of class `byteClass`, or `end`.
    @inline(__always)
    func scan(_ input: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, _ byteClass: UInt8) -> Int {
        var j = start
        while j < end && byteClasses(input[j]) & byteClass != 0 { j += 1 }
        return j
    }

    /// `scan(_:from:to:_:)`, eight bytes at a time while `words` says all eight are of the class.
    @inline(__always)
    func scan(_ input: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, _ byteClass: UInt8,
              words: (UInt64) -> Bool) -> Int {
        var j = start
        if let base = input.baseAddress {
            let raw = UnsafeRawPointer(base)
            while end - j >= 8 && words(raw.loadUnaligned(fromByteOffset: j, as: UInt64.self)) { j += 8 }
        }
        return scan(input, from: j, to: end, byteClass)
    }

    /// Skips field value bytes from `start` (below `end`); moves `valueEnd` past the last visible one.
    @inline(__always)
    mutating func scanFieldValue(_ input: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, delta: Int) -> Int {
        let stop = scan(input, from: start, to: end, ByteClass.fieldValue, words: areFieldValueBytesWithoutTab)
        // Trailing whitespace is not part of the value.
        var last = stop
        while last > start && (input[last - 1] == asciiSpace || input[last - 1] == asciiTab) { last -= 1 }
        if last > start { valueEnd = last + delta }
        return stop
    }

    /// The minor version digit of `HTTP/1.0` or `HTTP/1.1` followed by CR at `index` (10 bytes must be there).
    @inline(__always)
    func knownVersion(_ input: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt8? {
        let word = UInt64(littleEndian: UnsafeRawBufferPointer(input).loadUnaligned(fromByteOffset: index, as: UInt64.self))
        // "HTTP/1." in the low seven bytes
        guard word & 0x00FF_FFFF_FFFF_FFFF == 0x002E_312F_5054_5448, input[index + 8] == asciiCR else { return nil }
        let minor = UInt8(truncatingIfNeeded: word >> 56)
        return minor == 0x30 || minor == 0x31 ? minor : nil
    }

    /// Appends `input[stored..<end]` to `headBytes`; `sectionEnds` when nothing more will follow.
    mutating func store(_ input: UnsafeBufferPointer<UInt8>, from stored: inout Int, to end: Int, sectionEnds: Bool) {
        guard end > stored, let base = input.baseAddress else { return }
        let count = end - stored
        if headBytes.isEmpty && sectionEnds {
            // The whole section came in one piece: one allocation of its size.
            headBytes = Array(UnsafeBufferPointer(start: base + stored, count: count))
        } else {
            if headBytes.isEmpty {
                // One allocation for the section, sized by what is at hand.
                headBytes.reserveCapacity(max(256, min(input.count - stored, limits.maxHeaderBytes)))
            }
            headBytes.append(contentsOf: UnsafeBufferPointer(start: base + stored, count: count))
        }
        stored = end
    }

    @inline(__always)
    func slice(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    mutating func parseEndNow() -> HTTPParserEvent {
        let trailers = takeSection()
        resetForNextMessage()
        return .end(trailers: trailers)
    }

    /// The offset to report for section position `pos`: trailer positions count from the message's start.
    func errorOffset(_ pos: Int) -> Int {
        inTrailers ? messageBase + pos : pos
    }

    mutating func fail(_ kind: HTTPParseError.Kind, at offset: Int) -> HTTPParserStep {
        let error = HTTPParseError(kind, at: offset)
        failure = error
        state = .failed
        return HTTPParserStep(consumed: 0, event: .error(error))
    }

    // MARK: - Checks on the request line and fields

    func checkRequestLine(method: UnsafeBufferPointer<UInt8>, target: UnsafeBufferPointer<UInt8>) -> HTTPParseError.Kind? {
        if equalsExactly(method, "CONNECT") { return .methodNotImplemented }
        if target[0] == 0x2F { return nil }
        if target.count == 1 && target[0] == 0x2A {
            return equalsExactly(method, "OPTIONS") ? nil : .invalidTargetForm
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

    func startsWithIgnoringASCIICase(_ bytes: UnsafeBufferPointer<UInt8>, _ lowercase: StaticString) -> Bool {
        let count = lowercase.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        return equalsIgnoringASCIICase(UnsafeBufferPointer(rebasing: bytes[0..<count]), lowercase)
    }

    /// Whether a field name of this length may be one that `inspectField` looks at.
    @inline(__always)
    func isInspectedNameLength(_ length: Int) -> Bool {
        length == 4 || length == 6 || length == 10 || length == 14 || length == 17
    }

    /// Applies what a just-completed header field says about framing, Host, Connection and Expect.
    mutating func inspectField(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) -> HTTPParseError.Kind? {
        switch name.count {
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
            (Self.method(slice(bytes, methodStart, methodEnd)), asciiString(slice(bytes, targetStart, targetEnd)))
        }
        let head = HTTPRequestHead(
            method: method, target: target, version: version, headers: takeSection(),
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

    /// The method named by `bytes`; the common ones without making a String.
    static func method(_ bytes: UnsafeBufferPointer<UInt8>) -> HTTPMethod {
        switch bytes.count {
        case 3 where equalsExactly(bytes, "GET"): return .GET
        case 3 where equalsExactly(bytes, "PUT"): return .PUT
        case 4 where equalsExactly(bytes, "HEAD"): return .HEAD
        case 4 where equalsExactly(bytes, "POST"): return .POST
        case 5 where equalsExactly(bytes, "PATCH"): return .PATCH
        case 6 where equalsExactly(bytes, "DELETE"): return .DELETE
        case 7 where equalsExactly(bytes, "OPTIONS"): return .OPTIONS
        default: return HTTPMethod(rawValue: asciiString(bytes))
        }
    }

    /// The section read (head or trailers) as headers, moved out of the parser rather than shared with it.
    mutating func takeSection() -> HTTPHeaders {
        var storage: [UInt8] = []
        swap(&storage, &headBytes)
        let sectionFields = fields.withUnsafeBufferPointer { Array($0[0..<fieldCount]) }
        fieldCount = 0
        return HTTPHeaders(storage: storage, fields: sectionFields)
    }

    /// Forgets what the message said (its section was moved out by `takeSection()`).
    mutating func resetForNextMessage() {
        state = .lineStart
        inTrailers = false
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
    /// This step of a parse that began `count` bytes into the input. A refusal consumes nothing.
    func offset(by count: Int) -> HTTPParserStep {
        switch event {
        case .body(let range):
            return HTTPParserStep(consumed: consumed + count, event: .body((range.lowerBound + count)..<(range.upperBound + count)))
        case .error:
            return self
        case .needMore, .head, .end:
            return HTTPParserStep(consumed: consumed + count, event: event)
        }
    }
}

/// A String of bytes already checked to be ASCII (tokens, request-targets), made without UTF-8 repair.
@inline(__always)
func asciiString(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    String(unsafeUninitializedCapacity: bytes.count) { buffer in
        if let to = buffer.baseAddress, let from = bytes.baseAddress { to.initialize(from: from, count: bytes.count) }
        return bytes.count
    }
}

/// `HTTPParserEvent` with body bytes copied out, for tests and tools.
public enum HTTPParserEventCopy {
    case head(HTTPRequestHead)
    case body([UInt8])
    case end(trailers: HTTPHeaders)
    case error(HTTPParseError)
}
