import Daemon
import FoundationEssentials
import Postgres

/// `email.send`: one message, sent by the worker (never in the web request), retried when the server fails.
public enum EmailTask {
    public static let name = "email.send"

    /// Enqueues `message` in the caller's transaction.
    @discardableResult
    public static func enqueue(_ message: MailMessage, on connection: PostgresConnection,
                               options: TaskQueue.Options = TaskQueue.Options(maxAttempts: 8)) throws -> Int64? {
        try TaskQueue.enqueue(on: connection, name: name, arguments: message, options: options)
    }

    public static func definition(mailer: SMTPMailer) -> TaskDefinition {
        TaskDefinition(name: name, maxAttempts: 8, timeLimit: .seconds(120)) { context in
            let message: MailMessage
            do {
                message = try JSONDecoder().decode(MailMessage.self, from: Data(context.arguments.utf8))
            } catch {
                throw TaskFailure("the arguments of \(name) are not a message {to, subject, body}: \(error)")
            }
            let left = context.deadline > monotonicNanoseconds() ? context.deadline - monotonicNanoseconds() : 1_000_000
            try mailer.send(message, timeout: .nanoseconds(Int64(min(left, mailer.settings.timeout.nanoseconds))))
            return "sent to \(message.to.count) recipient(s)"
        }
    }
}
