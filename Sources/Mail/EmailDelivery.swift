import Daemon
import FoundationEssentials
import Tasks

/// The worker's side of `email.send`: the task body that hands the message to the SMTP server.
/// It lives apart from the queue so that only stockroom-worker links libcurl.
public enum EmailDelivery {
    public static func definition(mailer: SMTPMailer) -> TaskDefinition {
        let name = EmailTask.name
        return TaskDefinition(name: name, maxAttempts: 8, timeLimit: .seconds(120)) { context in
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

/// The tasks a stockroom-worker runs: the standard ones and e-mail delivery.
public enum WorkerTasks {
    public static func registry(_ configuration: Configuration) throws -> TaskRegistry {
        var registry = try StandardTasks.registry(configuration)
        registry.register(EmailDelivery.definition(mailer: SMTPMailer(settings: try MailSettings(configuration))))
        return registry
    }
}
