import CCurlShim
import Daemon
import Tasks
import Glibc

/// Sends messages over SMTP with libcurl: plain, STARTTLS (required, not opportunistic) or implicit TLS,
/// with authentication when a user is configured.
public struct SMTPMailer: Sendable {
    public let settings: MailSettings

    public init(settings: MailSettings) { self.settings = settings }

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    /// Sends `message`; throws a `TaskFailure` that says what the server or libcurl reported.
    public func send(_ message: MailMessage, timeout: Duration? = nil) throws {
        guard let host = settings.host else {
            throw TaskFailure("e-mail is not configured: set email_host (and email_sender) in the configuration")
        }
        guard !settings.sender.isEmpty else { throw TaskFailure("e-mail is not configured: set email_sender") }
        guard !message.to.isEmpty else { throw TaskFailure("the message has no recipient") }
        var generator = SystemRandomNumberGenerator()
        let domain = settings.sender.split(separator: "@").last.map(String.init) ?? "localhost"
        let messageID = "\(String(generator.next() as UInt64, radix: 16)).\(time(nil))@\(domain)"
        let payload = ReadBuffer(try message.rendered(from: settings.sender, subjectPrefix: settings.subjectPrefix,
                                                     date: time(nil), messageID: messageID))
        _ = Self.globalInit
        guard let handle = curl_easy_init() else { throw TaskFailure("libcurl could not create a handle") }
        defer { curl_easy_cleanup(handle) }
        var recipients: UnsafeMutablePointer<curl_slist>? = nil
        for address in message.to { recipients = curl_slist_append(recipients, "<\(address)>") }
        defer { curl_slist_free_all(recipients) }

        let scheme = settings.implicitTLS ? "smtps" : "smtp"
        let url = "\(scheme)://\(host):\(settings.port)"
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let box = Unmanaged.passRetained(payload)
        defer { box.release() }
        let limit = timeout ?? settings.timeout
        try errorBuffer.withUnsafeMutableBufferPointer { errors in
            var codes: [CURLcode] = [
                shim_curl_setopt_string(handle, CURLOPT_URL, url),
                shim_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errors.baseAddress),
                shim_curl_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(settings.sender)>"),
                shim_curl_setopt_pointer(handle, CURLOPT_MAIL_RCPT, recipients),
                shim_curl_setopt_long(handle, CURLOPT_UPLOAD, 1),
                shim_curl_setopt_read_function(handle, { buffer, size, count, argument in
                    guard let buffer, let argument else { return 0 }
                    return Unmanaged<ReadBuffer>.fromOpaque(argument).takeUnretainedValue().read(into: buffer, capacity: size * count)
                }),
                shim_curl_setopt_pointer(handle, CURLOPT_READDATA, box.toOpaque()),
                shim_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
                shim_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(clamping: limit.nanoseconds / 1_000_000)),
                shim_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(clamping: min(limit.nanoseconds, 30_000_000_000) / 1_000_000)),
            ]
            if settings.startTLS { codes.append(shim_curl_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))) }
            if let caFile = settings.caFile { codes.append(shim_curl_setopt_string(handle, CURLOPT_CAINFO, caFile)) }
            if let user = settings.user {
                codes.append(shim_curl_setopt_string(handle, CURLOPT_USERNAME, user))
                codes.append(shim_curl_setopt_string(handle, CURLOPT_PASSWORD, settings.password ?? ""))
            }
            if let failed = codes.first(where: { $0 != CURLE_OK }) {
                throw TaskFailure("libcurl refused an option: \(String(cString: curl_easy_strerror(failed)))")
            }
            let code = curl_easy_perform(handle)
            guard code == CURLE_OK else {
                var response: Int = 0
                _ = shim_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &response)
                let detail = String(cString: errors.baseAddress!)
                let reason = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
                throw TaskFailure("sending e-mail through \(url) failed: \(reason)" + (response > 0 ? " (SMTP reply \(response))" : ""),
                                  context: "libcurl code \(code.rawValue); recipients: \(message.to.joined(separator: ", "))")
            }
        }
    }
}

/// The message bytes libcurl reads through its read callback.
final class ReadBuffer {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let count = min(capacity, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBufferPointer { source in
            UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }
}
