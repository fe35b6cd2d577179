/// Writes response heads onto the wire.
public enum HTTPResponseHead {
    /// Appends the status line and headers of `response` to `out`, with Date, Content-Length (or
    /// Transfer-Encoding: chunked for a stream to an HTTP/1.1 client) and Connection. A Content-Length
    /// the handler set is kept and never doubled; a stream with one is sent unframed.
    /// Returns whether the body must be sent chunked.
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
        if status >= 200 && status != 204 && status != 304 {
            if let length = response.body.knownLength {
                if !response.headers.contains("Content-Length") {
                    out.append(contentsOf: contentLengthName)
                    appendDecimal(length, into: &out)
                    out.append(contentsOf: crlf)
                }
            } else if version == .http1_1 && !response.headers.contains("Content-Length") {
                // A stream whose length the handler states (a proxied body) is sent as it is.
                out.append(contentsOf: chunkedHeader)
                chunked = true
            }
        }
        out.append(contentsOf: keepAlive ? connectionKeepAlive : connectionClose)
        response.headers.write(to: &out)
        out.append(contentsOf: crlf)
        return chunked && bodyAllowed
    }

    static func appendStatus(_ status: Int, into out: inout [UInt8]) {
        if status == 200 {
            out.append(contentsOf: status200)
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

    static let httpVersion11: StaticString = "HTTP/1.1 "
    static let httpVersion10: StaticString = "HTTP/1.0 "
    static let status200: StaticString = "200 OK\r\n"
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
