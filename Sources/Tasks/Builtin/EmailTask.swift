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
}
