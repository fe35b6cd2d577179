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
        bytes.append(contentsOf: " HTTP/1.1\r\n".utf8)
        for (name, value) in headers {
            var name = name
            var value = value
            let valid = name.withUTF8 { nameBytes in
                value.withUTF8 { valueBytes in
                    guard !nameBytes.isEmpty, nameBytes.allSatisfy(UpstreamText.isTokenByte),
                          !valueBytes.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }) else { return false }
                    bytes.append(contentsOf: nameBytes)
                    bytes.append(0x3A)
                    bytes.append(0x20)
                    bytes.append(contentsOf: valueBytes)
                    bytes.append(0x0D)
                    bytes.append(0x0A)
                    return true
                }
            }
            guard valid else { throw UpstreamRequestError("invalid header field '\(name)'") }
        }
        let bodyLength = body.length
        if bodyLength > 0 || method == "POST" || method == "PUT" || method == "PATCH" {
            bytes.append(contentsOf: "Content-Length: \(bodyLength)\r\n".utf8)
        }
        bytes.append(0x0D)
        bytes.append(0x0A)
        head = bytes
        switch body {
        case .none: break
        case .bytes(let bytes): head += bytes  // one write for head and a small body
        case .file(let fd, let offset, let length): if length > 0 { fileRemaining = (fd, offset, length) }
        }
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
