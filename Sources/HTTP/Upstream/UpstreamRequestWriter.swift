/// What remains to be written of one upstream request, as a sequence of segments: a socket-free
/// state machine that a blocking writer and an event loop can both drive (`next`, then `wrote`).
public struct UpstreamRequestWriter {
    /// A piece to write.
    public enum Segment: Equatable {
        case bytes(ArraySlice<UInt8>)
        case file(fd: Int32, offset: Int64, length: Int64)
    }

    private var head: [UInt8]
    private var headWritten = 0
    private var fileRemaining: (fd: Int32, offset: Int64, length: Int64)?

    /// Serializes the request line and `headers` (already rewritten for forwarding), adding the
    /// body's `Content-Length`. Throws if a field would split the request (CR, LF or NUL).
    public init(method: String, target: String, headers: [(String, String)], body: UpstreamRequestBody) throws {
        var bytes = try Self.requestLine(method: method, target: target)
        for (name, value) in headers {
            var name = name
            var value = value
            let valid = name.withUTF8 { nameBytes in
                value.withUTF8 { valueBytes in
                    guard !nameBytes.isEmpty, nameBytes.allSatisfy(isTokenCharacter),
                          !valueBytes.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }) else { return false }
                    Self.appendField(nameBytes, valueBytes, to: &bytes)
                    return true
                }
            }
            guard valid else { throw UpstreamRequestError("invalid header field '\(name)'") }
        }
        fileRemaining = Self.endHead(&bytes, method: method, body: body)
        head = bytes
    }

    /// Serializes a request this server received, for forwarding: the request line, then the client's
    /// fields copied as received (their names are tokens and their values free of CR, LF and NUL, as
    /// `HTTPHeaders` guarantees), without hop-by-hop fields, the client's framing, `Expect` and its
    /// `X-Forwarded-*` fields; then `Host: localhost` if it sent none, and `X-Forwarded-For`,
    /// `-Proto` and `-Host` as `ForwardedHeaders.forRequest` makes them; then the body's length.
    ///
    /// The head is written with plain copies into a scratch buffer (on the stack when small) sized
    /// for the worst case, then copied once into its array: appending piece by piece to an array,
    /// or creating an uninitialized one (a generic path), cost more than everything else here.
    public init(method: String, target: String, forwarding fields: HTTPHeaders, clientAddress: String, scheme: String,
                trustIncomingForwardedFor: Bool, body: UpstreamRequestBody) throws {
        var noBuffer: [UInt8] = []
        try self.init(method: method, target: target, forwarding: fields, clientAddress: clientAddress, scheme: scheme,
                      trustIncomingForwardedFor: trustIncomingForwardedFor, body: body, reusing: &noBuffer)
    }

    /// As above, written into `buffer` (taken, leaving it empty) if it has the capacity: an event
    /// loop hands on the array of its previous request, which saves an allocation and a release.
    init(method: String, target: String, forwarding fields: HTTPHeaders, clientAddress: String, scheme: String,
         trustIncomingForwardedFor: Bool, body: UpstreamRequestBody, reusing buffer: inout [UInt8]) throws {
        var reused: [UInt8] = []
        swap(&reused, &buffer)
        let bodyLength = body.length
        let declaresLength = Self.declaresLength(method: method, bodyLength: bodyLength)
        var method = method
        var target = target
        var clientAddress = clientAddress
        var scheme = scheme
        head = try method.withUTF8 { method in
            try target.withUTF8 { target in
                try clientAddress.withUTF8 { address in
                    try scheme.withUTF8 { scheme in
                        try Self.checkRequestLine(method: method, target: target)
                        guard !address.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }), !scheme.isEmpty,
                              scheme.allSatisfy(isTokenCharacter) else {
                            throw UpstreamRequestError("invalid client address or scheme")
                        }
                        // Every field at most once (as itself, or as the value of X-Forwarded-For or -Host), plus what is added.
                        let storage = fields.storage.count
                        let capacity = method.count + target.count + 12 + 3 * storage + 6 * fields.count + address.count + scheme.count
                            + Self.addedFieldsBytes
                        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer -> [UInt8] in
                            var out = HeadBuffer(buffer)
                            out.append(method)
                            out.append(" ")
                            out.append(target)
                            out.append(" HTTP/1.1\r\n")
                            Self.appendForwarded(fields, address: address, scheme: scheme, trust: trustIncomingForwardedFor, to: &out)
                            if declaresLength {
                                out.append("Content-Length: ")
                                out.appendDecimal(Int(bodyLength))
                                out.append("\r\n")
                            }
                            out.append("\r\n")
                            let written = UnsafeBufferPointer(start: out.base, count: out.count)
                            // A small body joins the head (one write for both).
                            var bodyBytes: [UInt8] = []
                            if case .bytes(let bytes) = body { bodyBytes = bytes }
                            let length = written.count + bodyBytes.count
                            guard reused.capacity >= length else {
                                guard !bodyBytes.isEmpty else { return Array(written) }
                                var joined: [UInt8] = []
                                joined.reserveCapacity(length)
                                joined.append(contentsOf: written)
                                joined.append(contentsOf: bodyBytes)
                                return joined
                            }
                            reused.removeAll(keepingCapacity: true)
                            reused.append(contentsOf: written)
                            if !bodyBytes.isEmpty { reused.append(contentsOf: bodyBytes) }
                            return reused
                        }
                    }
                }
            }
        }
        if case .file(let fd, let offset, let length) = body, length > 0 { fileRemaining = (fd, offset, length) }
    }

    /// Bytes of the fields added to a forwarded request (field names, separators, Content-Length).
    private static let addedFieldsBytes = 17 + 17 + 2 + 19 + 2 + 18 + 2 + 16 + 20 + 2 + 2

    /// The client's forwardable fields, then the forwarding fields (see the initializer).
    private static func appendForwarded(_ fields: HTTPHeaders, address: UnsafeBufferPointer<UInt8>, scheme: UnsafeBufferPointer<UInt8>,
                                        trust: Bool, to out: inout HeadBuffer) {
        fields.storage.withUnsafeBufferPointer { buffer in
            var host: HTTPHeaders.Field?
            // Whether a Connection field may name other fields (anything but keep-alive).
            var connectionNamesFields = false
            for field in fields.fields {
                let name = HTTPHeaders.bytes(buffer, field.nameStart, field.nameEnd)
                if host == nil && UpstreamText.isName(name, "host") {
                    host = field
                } else if HopByHopHeaders.isConnection(name) {
                    forEachListElement(HTTPHeaders.bytes(buffer, field.valueStart, field.valueEnd)) { element in
                        if !element.isEmpty && !UpstreamText.isName(element, "keep-alive") { connectionNamesFields = true }
                        return true
                    }
                }
            }
            if host == nil { out.append("Host: localhost\r\n") }
            for field in fields.fields {
                let name = HTTPHeaders.bytes(buffer, field.nameStart, field.nameEnd)
                if isDroppedRequestField(name) { continue }
                if connectionNamesFields && fields.isNamedInConnection(name, buffer) { continue }
                out.appendField(name, HTTPHeaders.bytes(buffer, field.valueStart, field.valueEnd))
            }
            out.append("X-Forwarded-For: ")
            if trust {
                for field in fields.fields where UpstreamText.isName(HTTPHeaders.bytes(buffer, field.nameStart, field.nameEnd), "x-forwarded-for") {
                    out.append(HTTPHeaders.bytes(buffer, field.valueStart, field.valueEnd))
                    out.append(", ")
                }
            }
            out.append(address)
            out.append("\r\nX-Forwarded-Proto: ")
            out.append(scheme)
            out.append("\r\n")
            if let host {
                out.append("X-Forwarded-Host: ")
                out.append(HTTPHeaders.bytes(buffer, host.valueStart, host.valueEnd))
                out.append("\r\n")
            }
        }
    }

    /// A request field not passed on as received: hop-by-hop (`HopByHopHeaders`) or replaced (`ForwardedHeaders`).
    @inline(__always)
    private static func isDroppedRequestField(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        switch name.count {
        case 2: if UpstreamText.isName(name, "te") { return true }
        case 6: if UpstreamText.isName(name, "expect") { return true }
        case 7: if UpstreamText.isName(name, "trailer") || UpstreamText.isName(name, "upgrade") { return true }
        case 10: if UpstreamText.isName(name, "connection") || UpstreamText.isName(name, "keep-alive") { return true }
        case 14: if UpstreamText.isName(name, "content-length") { return true }
        case 15: if UpstreamText.isName(name, "x-forwarded-for") { return true }
        case 16: if UpstreamText.isName(name, "x-forwarded-host") { return true }
        case 17: if UpstreamText.isName(name, "x-forwarded-proto") || UpstreamText.isName(name, "transfer-encoding") { return true }
        default: break
        }
        return name.count >= 6 && UpstreamText.isName(UnsafeBufferPointer(rebasing: name[0..<6]), "proxy-")
    }

    /// Throws for an invalid method (not a token) or target (not origin-form or `*`, or with spaces or controls).
    private static func checkRequestLine(method: UnsafeBufferPointer<UInt8>, target: UnsafeBufferPointer<UInt8>) throws {
        guard !method.isEmpty, method.allSatisfy(isTokenCharacter) else {
            throw UpstreamRequestError("invalid method '\(String(decoding: method, as: UTF8.self))'")
        }
        guard target.first == UInt8(ascii: "/") || (target.count == 1 && target[0] == UInt8(ascii: "*")),
              !target.contains(where: { $0 <= 32 || $0 == 127 }) else {
            throw UpstreamRequestError("invalid request target")
        }
    }

    /// Copies into a buffer of sufficient capacity.
    private struct HeadBuffer {
        let base: UnsafeMutablePointer<UInt8>
        private(set) var count = 0

        init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
            // The capacity is never zero: the request line alone needs more.
            base = buffer.baseAddress!
        }

        @inline(__always)
        mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard let start = bytes.baseAddress else { return }
            (base + count).update(from: start, count: bytes.count)
            count += bytes.count
        }

        @inline(__always)
        mutating func append(_ text: StaticString) {
            (base + count).update(from: text.utf8Start, count: text.utf8CodeUnitCount)
            count += text.utf8CodeUnitCount
        }

        /// The decimal digits of a non-negative `value`.
        mutating func appendDecimal(_ value: Int) {
            var digits = 1
            var rest = value / 10
            while rest > 0 {
                digits += 1
                rest /= 10
            }
            var remaining = value
            for index in stride(from: count + digits - 1, through: count, by: -1) {
                base[index] = UInt8(truncatingIfNeeded: 0x30 + remaining % 10)
                remaining /= 10
            }
            count += digits
        }

        @inline(__always)
        mutating func appendField(_ name: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>) {
            append(name)
            base[count] = 0x3A
            base[count + 1] = 0x20
            count += 2
            append(value)
            base[count] = 0x0D
            base[count + 1] = 0x0A
            count += 2
        }
    }

    /// Ends the head with the body's `Content-Length` and the blank line; a small body joins the head
    /// (one write for both). Returns the part of a file body still to send.
    private static func endHead(_ bytes: inout [UInt8], method: String, body: UpstreamRequestBody)
        -> (fd: Int32, offset: Int64, length: Int64)? {
        let bodyLength = body.length
        if declaresLength(method: method, bodyLength: bodyLength) {
            bytes.append(contentsOf: "Content-Length: " as StaticString)
            HTTPResponseHead.appendDecimal(Int(bodyLength), into: &bytes)
            bytes.append(contentsOf: "\r\n" as StaticString)
        }
        bytes.append(0x0D)
        bytes.append(0x0A)
        switch body {
        case .none: return nil
        case .bytes(let body): bytes += body
        case .file(let fd, let offset, let length): if length > 0 { return (fd, offset, length) }
        }
        return nil
    }

    /// Whether the head states the body's length: it has one, or the method expects one (an empty POST says so).
    private static func declaresLength(method: String, bodyLength: Int64) -> Bool {
        bodyLength > 0 || (method.utf8.first == UInt8(ascii: "P") && (method == "POST" || method == "PUT" || method == "PATCH"))
    }

    /// `METHOD target HTTP/1.1\r\n`, in a buffer with room for the fields; throws for an invalid method or target.
    private static func requestLine(method: String, target: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512)
        var method = method
        var target = target
        try method.withUTF8 { method in
            try target.withUTF8 { target in
                try checkRequestLine(method: method, target: target)
                bytes.append(contentsOf: method)
                bytes.append(0x20)
                bytes.append(contentsOf: target)
            }
        }
        bytes.append(contentsOf: " HTTP/1.1\r\n" as StaticString)
        return bytes
    }

    @inline(__always)
    private static func appendField(_ name: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: name)
        bytes.append(0x3A)
        bytes.append(0x20)
        bytes.append(contentsOf: value)
        bytes.append(0x0D)
        bytes.append(0x0A)
    }

    /// Gives up the head's array (for the next request's head to be written into); the writer is
    /// then empty.
    mutating func takeHead() -> [UInt8] {
        var taken: [UInt8] = []
        swap(&taken, &head)
        headWritten = 0
        fileRemaining = nil
        return taken
    }

    /// The next segment to write, or nil when the request has been written completely.
    public var next: Segment? {
        if headWritten < head.count { return .bytes(head[headWritten...]) }
        if let file = fileRemaining { return .file(fd: file.fd, offset: file.offset, length: file.length) }
        return nil
    }

    /// Records that `count` bytes of `next` were written.
    public mutating func wrote(_ count: Int) {
        if headWritten < head.count {
            headWritten += count
        } else if var file = fileRemaining {
            file.offset += Int64(count)
            file.length -= Int64(count)
            fileRemaining = file.length > 0 ? file : nil
        }
    }
}

/// A request that cannot be forwarded as given.
public struct UpstreamRequestError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
