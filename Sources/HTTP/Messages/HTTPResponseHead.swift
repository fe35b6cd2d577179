/// Writes response heads onto the wire.
public enum HTTPResponseHead {
    /// Appends the status line and headers of `response` to `out`, with Date, Content-Length (or
    /// Transfer-Encoding: chunked for a stream to an HTTP/1.1 client) and Connection.
    /// The framing and connection headers are the server's, never doubled: a handler's `Date`,
    /// `Connection` and `Transfer-Encoding` are dropped (a handler asks to close with `Connection: close`,
    /// which the connection honours before calling this), and its `Content-Length` is kept only where
    /// the server cannot know the length: a stream (a proxied body), a HEAD answer (`bodyAllowed` false)
    /// and a 304. Returns whether the body must be sent chunked.
    @discardableResult
    public static func write(_ response: HTTPResponse, version: HTTPVersion, keepAlive: Bool, date: [UInt8],
                             bodyAllowed: Bool = true, into out: inout [UInt8]) -> Bool {
        out.append(contentsOf: version == .http1_0 ? httpVersion10 : httpVersion11)
        appendStatus(response.status, into: &out)
        out.append(contentsOf: dateName)
        out.append(contentsOf: date)
        out.append(contentsOf: crlf)
        var chunked = false
        let status = response.status
        var keepHandlerLength = false
        if status >= 200 && status != 204 && status != 304 {
            let handlerLength = response.headers.contains(lowercase: "content-length")
            if let length = response.body.knownLength, bodyAllowed || !handlerLength {
                out.append(contentsOf: contentLengthName)
                appendDecimal(length, into: &out)
                out.append(contentsOf: crlf)
            } else if handlerLength {
                // A stream whose length the handler states (a proxied body), or a HEAD answer's length.
                keepHandlerLength = true
            } else if version == .http1_1 {
                out.append(contentsOf: chunkedHeader)
                chunked = true
            }
        } else if status == 304 {
            keepHandlerLength = true
        }
        out.append(contentsOf: keepAlive ? connectionKeepAlive : connectionClose)
        if let prepared = response.headers.prepared, !(keepHandlerLength && prepared.omitsContentLength) {
            out.append(contentsOf: prepared.bytes)
        } else {
            response.headers.write(to: &out) { name in isServerField(name, keepingContentLength: keepHandlerLength) }
        }
        out.append(contentsOf: crlf)
        return chunked && bodyAllowed
    }

    /// Whether a handler's field `name` is one the server writes itself (and so drops).
    @inline(__always)
    static func isServerField(_ name: UnsafeBufferPointer<UInt8>, keepingContentLength: Bool) -> Bool {
        switch name.count {
        case 4: return equalsIgnoringCase(name, "date")
        case 10: return equalsIgnoringCase(name, "connection")
        case 14: return !keepingContentLength && equalsIgnoringCase(name, "content-length")
        case 17: return equalsIgnoringCase(name, "transfer-encoding")
        default: return false
        }
    }

    /// Readies `headers` to be written many times (a cached file's): their wire form, without the
    /// fields the server writes itself, is kept with them until they change, and `write` then
    /// appends it in one piece.
    public static func prepare(_ headers: inout HTTPHeaders) {
        var bytes: [UInt8] = []
        headers.write(to: &bytes) { name in isServerField(name, keepingContentLength: false) }
        headers.prepared = PreparedHeaderFields(bytes: bytes, omitsContentLength: headers.contains(lowercase: "content-length"))
    }

    /// Whether `name` is `lowercase` in any case (`lowercase` is ASCII lower case of the same length).
    @inline(__always)
    static func equalsIgnoringCase(_ name: UnsafeBufferPointer<UInt8>, _ lowercase: StaticString) -> Bool {
        let wanted = UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
        for index in 0..<wanted.count where name[index] | 0x20 != wanted[index] { return false }
        return true
    }

    static func appendStatus(_ status: Int, into out: inout [UInt8]) {
        if let line = commonStatusLine(status) {
            out.append(contentsOf: line)
            return
        }
        appendDecimal(status, into: &out)
        out.append(0x20)
        out.append(contentsOf: HTTPStatus.reason(status).utf8)
        out.append(contentsOf: crlf)
    }

    /// Appends the decimal digits of a non-negative `value`.
    @inline(__always)
    public static func appendDecimal(_ value: Int, into out: inout [UInt8]) {
        if value < 10 {
            out.append(UInt8(truncatingIfNeeded: 0x30 + value))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = value
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while n > 0 {
                buffer[19 - count] = UInt8(truncatingIfNeeded: 0x30 + n % 10)
                n /= 10
                count += 1
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(20 - count)...]))
        }
    }

    /// Appends `value` in lowercase hexadecimal (chunk sizes).
    public static func appendHex(_ value: Int, into out: inout [UInt8]) {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var shift = 60
        var started = false
        while shift >= 0 {
            let d = (value >> shift) & 0xF
            if d != 0 || started || shift == 0 {
                out.append(digits[d])
                started = true
            }
            shift -= 4
        }
    }

    /// The status line's rest (`304 Not Modified\r\n`) for the statuses a server sends all the time.
    @inline(__always)
    static func commonStatusLine(_ status: Int) -> StaticString? {
        switch status {
        case 200: return "200 OK\r\n"
        case 201: return "201 Created\r\n"
        case 204: return "204 No Content\r\n"
        case 206: return "206 Partial Content\r\n"
        case 301: return "301 Moved Permanently\r\n"
        case 302: return "302 Found\r\n"
        case 304: return "304 Not Modified\r\n"
        case 400: return "400 Bad Request\r\n"
        case 401: return "401 Unauthorized\r\n"
        case 403: return "403 Forbidden\r\n"
        case 404: return "404 Not Found\r\n"
        case 405: return "405 Method Not Allowed\r\n"
        case 500: return "500 Internal Server Error\r\n"
        case 502: return "502 Bad Gateway\r\n"
        case 503: return "503 Service Unavailable\r\n"
        default: return nil
        }
    }

    static let httpVersion11: StaticString = "HTTP/1.1 "
    static let httpVersion10: StaticString = "HTTP/1.0 "
    static let dateName: StaticString = "Date: "
    static let contentLengthName: StaticString = "Content-Length: "
    static let chunkedHeader: StaticString = "Transfer-Encoding: chunked\r\n"
    static let connectionKeepAlive: StaticString = "Connection: keep-alive\r\n"
    static let connectionClose: StaticString = "Connection: close\r\n"
    static let crlf: StaticString = "\r\n"
}

extension Array where Element == UInt8 {
    @inline(__always)
    mutating func append(contentsOf text: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}
