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
                    guard !nameBytes.isEmpty, nameBytes.allSatisfy(UpstreamText.isTokenByte),
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
    public init(method: String, target: String, forwarding fields: HTTPHeaders, clientAddress: String, scheme: String,
                trustIncomingForwardedFor: Bool, body: UpstreamRequestBody) throws {
        var bytes = try Self.requestLine(method: method, target: target)
        var clientAddress = clientAddress
        var scheme = scheme
        try clientAddress.withUTF8 { address in
            try scheme.withUTF8 { scheme in
                guard !address.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }), !scheme.isEmpty,
                      scheme.allSatisfy(UpstreamText.isTokenByte) else {
                    throw UpstreamRequestError("invalid client address or scheme")
                }
                fields.storage.withUnsafeBufferPointer { buffer in
                    var host: HTTPHeaders.Field?
                    for field in fields.fields where equalsIgnoringASCIICase(HTTPHeaders.bytes(buffer, field.nameStart, field.nameEnd), "host") {
                        host = field
                        break
                    }
                    if host == nil { bytes.append(contentsOf: "Host: localhost\r\n" as StaticString) }
                    fields.forEachForwardable(alsoDropped: ForwardedHeaders.isReplaced) { _, name, value in
                        Self.appendField(name, value, to: &bytes)
                    }
                    bytes.append(contentsOf: "X-Forwarded-For: " as StaticString)
                    if trustIncomingForwardedFor {
                        for field in fields.fields
                        where equalsIgnoringASCIICase(HTTPHeaders.bytes(buffer, field.nameStart, field.nameEnd), "x-forwarded-for") {
                            bytes.append(contentsOf: HTTPHeaders.bytes(buffer, field.valueStart, field.valueEnd))
                            bytes.append(contentsOf: ", " as StaticString)
                        }
                    }
                    bytes.append(contentsOf: address)
                    bytes.append(contentsOf: "\r\nX-Forwarded-Proto: " as StaticString)
                    bytes.append(contentsOf: scheme)
                    bytes.append(contentsOf: "\r\n" as StaticString)
                    if let host {
                        Self.appendField(UnsafeBufferPointer(start: ("X-Forwarded-Host" as StaticString).utf8Start, count: 16),
                                         HTTPHeaders.bytes(buffer, host.valueStart, host.valueEnd), to: &bytes)
                    }
                }
            }
        }
        fileRemaining = Self.endHead(&bytes, method: method, body: body)
        head = bytes
    }

    /// Ends the head with the body's `Content-Length` and the blank line; a small body joins the head
    /// (one write for both). Returns the part of a file body still to send.
    private static func endHead(_ bytes: inout [UInt8], method: String, body: UpstreamRequestBody)
        -> (fd: Int32, offset: Int64, length: Int64)? {
        let bodyLength = body.length
        if bodyLength > 0 || (method.utf8.first == UInt8(ascii: "P") && (method == "POST" || method == "PUT" || method == "PATCH")) {
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

    /// `METHOD target HTTP/1.1\r\n`, in a buffer with room for the fields; throws for an invalid method or target.
    private static func requestLine(method: String, target: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512)
        var method = method
        var target = target
        try method.withUTF8 { methodBytes in
            guard !methodBytes.isEmpty, methodBytes.allSatisfy(UpstreamText.isTokenByte) else {
                throw UpstreamRequestError("invalid method '\(String(decoding: methodBytes, as: UTF8.self))'")
            }
            bytes.append(contentsOf: methodBytes)
        }
        bytes.append(0x20)
        try target.withUTF8 { targetBytes in
            guard targetBytes.first == UInt8(ascii: "/") || (targetBytes.count == 1 && targetBytes[0] == UInt8(ascii: "*")),
                  !targetBytes.contains(where: { $0 <= 32 || $0 == 127 }) else {
                throw UpstreamRequestError("invalid request target")
            }
            bytes.append(contentsOf: targetBytes)
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
