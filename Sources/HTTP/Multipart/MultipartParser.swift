import Glibc

/// A streaming `multipart/form-data` parser (RFC 7578): feed it the body in any pieces; file parts
/// go to temporary files as they arrive, other parts stay in memory up to a limit.
public struct MultipartParser {
    enum State {
        case preamble, afterDelimiter, delimiterPadding, headers, body, epilogue
    }

    public let boundary: String
    let delimiter: [UInt8]
    let temporaryDirectory: String
    let maxFieldBytes: Int
    let maxParts: Int
    let maxPartHeaderBytes: Int

    var state = State.preamble
    var pending: [UInt8]
    var position = 0
    /// Body bytes dropped from `pending` so far (for error offsets); starts negative for the virtual CRLF.
    var dropped = -2
    var result = MultipartFormData()

    // The part being read.
    var partName = ""
    var partFilename: String?
    var partHeaders = HTTPHeaders()
    var partBytes: [UInt8] = []
    var partFD: Int32 = -1
    var partPath = ""
    var partLength = 0

    /// A parser for bodies delimited by `boundary`, writing uploads under `temporaryDirectory`.
    public init(boundary: String, temporaryDirectory: String, maxFieldBytes: Int = 1 << 20, maxParts: Int = 1000,
                maxPartHeaderBytes: Int = 8192) {
        self.boundary = boundary
        delimiter = Array("\r\n--\(boundary)".utf8)
        self.temporaryDirectory = temporaryDirectory
        self.maxFieldBytes = maxFieldBytes
        self.maxParts = maxParts
        self.maxPartHeaderBytes = maxPartHeaderBytes
        // The first boundary line has no CRLF before it: pretend it does, so one delimiter fits all.
        pending = [0x0D, 0x0A]
    }

    /// The `boundary` parameter of a `multipart/form-data` Content-Type, or nil.
    public static func boundary(fromContentType contentType: String) -> String? {
        let parts = contentType.split(separator: ";")
        guard let type = parts.first, type.trimmingSpaces().lowercased() == "multipart/form-data" else { return nil }
        for parameter in parts.dropFirst() {
            let trimmed = parameter.trimmingSpaces()
            guard let equals = trimmed.firstIndex(of: "="),
                  trimmed[..<equals].lowercased() == "boundary" else { continue }
            var value = trimmed[trimmed.index(after: equals)...]
            if value.count >= 2 && value.first == "\"" && value.last == "\"" { value = value.dropFirst().dropLast() }
            guard !value.isEmpty, value.count <= 70 else { return nil }
            return String(value)
        }
        return nil
    }

    /// Parses a whole request body (in memory or in its temporary file), reading a file in pieces.
    public static func parse(_ body: HTTPRequestBody, contentType: String, temporaryDirectory: String,
                             maxFieldBytes: Int = 1 << 20) throws -> MultipartFormData {
        guard let boundary = boundary(fromContentType: contentType) else { throw MultipartError.missingBoundary }
        var parser = MultipartParser(boundary: boundary, temporaryDirectory: temporaryDirectory, maxFieldBytes: maxFieldBytes)
        do {
            switch body {
            case .none:
                break
            case .bytes(let bytes):
                try bytes.withUnsafeBytes { try parser.feed($0) }
            case .file(let path, _):
                let fd = open(path, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else { throw MultipartError.bodyUnreadable }
                defer { close(fd) }
                var buffer = [UInt8](repeating: 0, count: 64 * 1024)
                while true {
                    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if n < 0 { throw MultipartError.bodyUnreadable }
                    if n == 0 { break }
                    try buffer.withUnsafeBytes { try parser.feed(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                }
            }
            return try parser.finish()
        } catch {
            parser.abandon()
            throw error
        }
    }

    /// Consumes the next piece of the body.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) throws {
        if state == .epilogue { return }
        pending.append(contentsOf: bytes)
        do {
            try process()
        } catch {
            abandon()
            throw error
        }
        if position > 0 {
            pending.removeSubrange(0..<position)
            dropped += position
            position = 0
        }
    }

    /// Ends the body; returns the parts, or throws if the closing boundary never came.
    public mutating func finish() throws -> MultipartFormData {
        guard state == .epilogue else {
            abandon()
            throw MultipartError.missingCloseDelimiter
        }
        return result
    }

    /// Closes and deletes every temporary file made so far (after an error).
    public mutating func abandon() {
        if partFD >= 0 {
            close(partFD)
            unlink(partPath)
            partFD = -1
        }
        result.removeFiles()
        result.parts = []
    }

    // MARK: -

    mutating func process() throws {
        while true {
            switch state {
            case .preamble:
                if let index = find(delimiter, from: position) {
                    position = index + delimiter.count
                    state = .afterDelimiter
                } else {
                    position = max(position, pending.count - (delimiter.count - 1))
                    return
                }
            case .afterDelimiter:
                guard pending.count - position >= 2 else { return }
                if pending[position] == 0x2D && pending[position + 1] == 0x2D {
                    position = pending.count
                    state = .epilogue
                    return
                }
                state = .delimiterPadding
            case .delimiterPadding:
                guard position < pending.count else { return }
                let b = pending[position]
                if b == 0x20 || b == 0x09 {
                    position += 1
                } else if b == 0x0D {
                    guard position + 1 < pending.count else { return }
                    guard pending[position + 1] == 0x0A else { throw MultipartError.malformedDelimiter(offset: dropped + position) }
                    position += 2
                    state = .headers
                } else {
                    throw MultipartError.malformedDelimiter(offset: dropped + position)
                }
            case .headers:
                let headerEnd: Int
                if pending.count - position >= 2 && pending[position] == 0x0D && pending[position + 1] == 0x0A {
                    headerEnd = position
                } else if let index = find([0x0D, 0x0A, 0x0D, 0x0A], from: position) {
                    headerEnd = index + 2
                } else {
                    if pending.count - position > maxPartHeaderBytes {
                        throw MultipartError.partHeadersTooLarge(offset: dropped + position)
                    }
                    return
                }
                if headerEnd - position > maxPartHeaderBytes {
                    throw MultipartError.partHeadersTooLarge(offset: dropped + position)
                }
                try startPart(headerBytes: Array(pending[position..<headerEnd]), offset: dropped + position)
                position = headerEnd + 2
                state = .body
            case .body:
                if let index = find(delimiter, from: position) {
                    try appendToPart(position..<index)
                    try finishPart()
                    position = index + delimiter.count
                    state = .afterDelimiter
                } else {
                    let safeEnd = max(position, pending.count - (delimiter.count - 1))
                    try appendToPart(position..<safeEnd)
                    position = safeEnd
                    return
                }
            case .epilogue:
                position = pending.count
                return
            }
        }
    }

    func find(_ needle: [UInt8], from start: Int) -> Int? {
        guard pending.count - start >= needle.count else { return nil }
        return pending.withUnsafeBytes { haystack -> Int? in
            needle.withUnsafeBytes { needleBytes -> Int? in
                guard let base = haystack.baseAddress, let needleBase = needleBytes.baseAddress else { return nil }
                let last = haystack.count - needle.count
                var i = start
                while i <= last {
                    guard let hit = memchr(base + i, Int32(needle[0]), last - i + 1) else { return nil }
                    let index = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + index, needleBase, needle.count) == 0 { return index }
                    i = index + 1
                }
                return nil
            }
        }
    }

    mutating func startPart(headerBytes: [UInt8], offset: Int) throws {
        guard result.parts.count < maxParts else { throw MultipartError.tooManyParts }
        var headers = HTTPHeaders()
        let text = String(decoding: headerBytes, as: UTF8.self)
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: true) {
            guard let colon = line.firstIndex(of: ":") else {
                throw MultipartError.malformedPartHeaders(offset: offset, reason: "header line without colon")
            }
            let name = line[..<colon]
            guard !name.isEmpty, name.utf8.allSatisfy(isTokenCharacter) else {
                throw MultipartError.malformedPartHeaders(offset: offset, reason: "invalid header name \(String(name).debugDescription)")
            }
            headers.add(name: String(name), value: String(line[line.index(after: colon)...].trimmingSpaces()))
        }
        guard let disposition = headers["Content-Disposition"] else {
            throw MultipartError.malformedPartHeaders(offset: offset, reason: "no Content-Disposition")
        }
        let parameters = MultipartParser.dispositionParameters(disposition)
        guard parameters.type == "form-data", let name = parameters.values["name"] else {
            throw MultipartError.malformedPartHeaders(offset: offset, reason: "Content-Disposition is not form-data with a name")
        }
        partName = name
        partFilename = parameters.values["filename"]
        partHeaders = headers
        partBytes = []
        partLength = 0
        if partFilename != nil {
            var template = Array("\(temporaryDirectory)/stockroom-upload-XXXXXX".utf8CString)
            let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else { throw MultipartError.temporaryFileFailed(errno: errno) }
            partFD = fd
            partPath = String(cString: template)
        }
    }

    mutating func appendToPart(_ range: Range<Int>) throws {
        guard !range.isEmpty else { return }
        if partFD >= 0 {
            try pending.withUnsafeBytes { raw in
                var offset = range.lowerBound
                while offset < range.upperBound {
                    let n = write(partFD, raw.baseAddress! + offset, range.upperBound - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw MultipartError.temporaryFileFailed(errno: errno)
                    }
                    offset += n
                }
            }
            partLength += range.count
        } else {
            guard partBytes.count + range.count <= maxFieldBytes else { throw MultipartError.fieldTooLarge(name: partName) }
            partBytes.append(contentsOf: pending[range])
        }
    }

    mutating func finishPart() throws {
        let content: MultipartPart.Content
        if partFD >= 0 {
            close(partFD)
            partFD = -1
            content = .file(path: partPath, length: partLength)
        } else {
            content = .bytes(partBytes)
        }
        result.parts.append(MultipartPart(name: partName, filename: partFilename, headers: partHeaders, content: content))
        partBytes = []
    }

    /// `form-data; name="a"; filename="b.txt"` as the type and its parameters (quoted strings unescaped).
    static func dispositionParameters(_ value: String) -> (type: String, values: [String: String]) {
        var values: [String: String] = [:]
        let utf8 = Array(value.utf8)
        var i = 0
        func skipSpaces() { while i < utf8.count && (utf8[i] == 0x20 || utf8[i] == 0x09) { i += 1 } }
        func token() -> String {
            let start = i
            while i < utf8.count && utf8[i] != 0x3B && utf8[i] != 0x3D && utf8[i] != 0x20 && utf8[i] != 0x09 { i += 1 }
            return String(decoding: utf8[start..<i], as: UTF8.self)
        }
        skipSpaces()
        let type = token().lowercased()
        while i < utf8.count {
            skipSpaces()
            guard i < utf8.count, utf8[i] == 0x3B else { break }
            i += 1
            skipSpaces()
            let name = token().lowercased()
            skipSpaces()
            guard i < utf8.count, utf8[i] == 0x3D else { continue }
            i += 1
            skipSpaces()
            var parameterValue: [UInt8] = []
            if i < utf8.count && utf8[i] == 0x22 {
                i += 1
                while i < utf8.count && utf8[i] != 0x22 {
                    if utf8[i] == 0x5C && i + 1 < utf8.count { i += 1 }
                    parameterValue.append(utf8[i])
                    i += 1
                }
                i += 1
            } else {
                let start = i
                while i < utf8.count && utf8[i] != 0x3B && utf8[i] != 0x20 && utf8[i] != 0x09 { i += 1 }
                parameterValue = Array(utf8[start..<i])
            }
            if values[name] == nil { values[name] = String(decoding: parameterValue, as: UTF8.self) }
        }
        return (type, values)
    }
}
