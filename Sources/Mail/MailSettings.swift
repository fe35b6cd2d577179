import Daemon
import Tasks

/// How the worker sends e-mail: InvenTree's settings under Stockroom's keys.
public struct MailSettings: Sendable {
    /// SMTP server; nil means e-mail is not configured (sending fails with a message saying so).
    public var host: String?
    public var port: Int = 25
    public var user: String?
    /// Read from the `email_password` credential or `email_password_file`, never from the configuration text.
    public var password: String?
    /// STARTTLS on a plain connection (`email_tls`).
    public var startTLS = false
    /// Implicit TLS from the first byte, usually port 465 (`email_ssl`).
    public var implicitTLS = false
    /// The From address (`email_sender`).
    public var sender: String = ""
    /// Prepended to every subject (`email_subject_prefix`, InvenTree's EMAIL_SUBJECT_PREFIX).
    public var subjectPrefix = "[InvenTree] "
    /// CA certificates (PEM) that verify the server's certificate instead of the system's (`email_ca_file`).
    public var caFile: String?
    /// Seconds for connect plus transfer.
    public var timeout: Duration = .seconds(60)

    public init() {}

    public init(_ configuration: Configuration) throws {
        host = configuration.optionalString("email_host").flatMap { $0.isEmpty ? nil : $0 }
        port = try configuration.int("email_port", default: port, range: 1...65535)
        user = configuration.optionalString("email_user").flatMap { $0.isEmpty ? nil : $0 }
        password = try configuration.secret("email_password")
        startTLS = try configuration.bool("email_tls", default: false)
        implicitTLS = try configuration.bool("email_ssl", default: false)
        sender = try configuration.string("email_sender", default: "")
        subjectPrefix = try configuration.string("email_subject_prefix", default: subjectPrefix)
        timeout = try configuration.duration("email_timeout", default: timeout)
        caFile = configuration.optionalString("email_ca_file").flatMap { $0.isEmpty ? nil : $0 }
        if startTLS && implicitTLS {
            throw TaskFailure("email_tls and email_ssl are both on: choose STARTTLS (email_tls) or implicit TLS (email_ssl)")
        }
    }
}
