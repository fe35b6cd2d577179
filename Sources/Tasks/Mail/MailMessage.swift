import FoundationEssentials
import Glibc

/// A plain-text e-mail, rendered as RFC 5322 with CRLF line ends.
public struct MailMessage: Sendable, Equatable, Codable {
    public var to: [String]
    public var subject: String
    public var body: String

    public init(to: [String], subject: String, body: String) {
        self.to = to
        self.subject = subject
        self.body = body
    }

    /// The whole message: headers, a blank line, the body.
    public func rendered(from sender: String, subjectPrefix: String, date: time_t, messageID: String) throws -> [UInt8] {
        for address in to + [sender] {
            guard MailMessage.isPlausibleAddress(address) else {
                throw TaskFailure("'\(address)' is not an e-mail address")
            }
        }
        var lines = [
            "From: \(sender)",
            "To: \(to.joined(separator: ", "))",
            "Subject: \(MailMessage.encodedHeader(subjectPrefix + subject))",
            "Date: \(MailMessage.rfc5322Date(date))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "",
        ]
        lines += body.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
        return Array(lines.joined(separator: "\r\n").utf8) + [13, 10]
    }

    /// An address with one @, something on each side, and no characters that would break a header.
    static func isPlausibleAddress(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
            && !address.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "," || $0 == "<" || $0 == ">" || $0 == " " })
    }

    /// ASCII stays as is (line breaks removed); anything else becomes an RFC 2047 base64 encoded word.
    static func encodedHeader(_ text: String) -> String {
        let flat = String(text.map { $0 == "\r" || $0 == "\n" ? " " : $0 })
        if flat.utf8.allSatisfy({ $0 >= 32 && $0 < 127 }) { return flat }
        return "=?utf-8?b?" + Data(flat.utf8).base64EncodedString() + "?="
    }

    static func rfc5322Date(_ time: time_t) -> String {
        var seconds = time
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S +0000", &parts)
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
