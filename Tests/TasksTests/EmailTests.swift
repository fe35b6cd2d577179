import Glibc
import Postgres
@testable import Mail
@testable import Tasks
import TestSupport
import XCTest

final class EmailTests: TasksDatabaseTestCase {
    func settings(port: Int) -> MailSettings {
        var settings = MailSettings()
        settings.host = "127.0.0.1"
        settings.port = port
        settings.sender = "stockroom@example.org"
        settings.subjectPrefix = "[Stock] "
        settings.timeout = .seconds(10)
        return settings
    }

    func testAMessageIsDeliveredWithTheRightHeadersAndEnvelope() throws {
        let server = try SMTPServer(scratch: environment.scratchDirectory)
        let mailer = SMTPMailer(settings: settings(port: server.port))
        try mailer.send(MailMessage(to: ["alice@example.org", "bob@example.org"], subject: "Low stock: résistor",
                                    body: "Part R1 is low.\n.\nA line with a lone dot above."))
        let message = try XCTUnwrap(server.waitForMessages(1, timeout: 10).first)
        XCTAssertTrue(message.contains("From: stockroom@example.org"), message)
        XCTAssertTrue(message.contains("To: alice@example.org, bob@example.org"), message)
        // Non-ASCII subjects are RFC 2047 encoded words; the prefix comes first.
        XCTAssertTrue(message.contains("Subject: =?utf-8?b?" + Data("[Stock] Low stock: résistor".utf8).base64EncodedString() + "?="), message)
        XCTAssertTrue(message.contains("Message-ID: <"), message)
        XCTAssertTrue(message.contains("@example.org>"), message)
        XCTAssertTrue(message.contains("Date: "), message)
        XCTAssertTrue(message.contains("Content-Type: text/plain; charset=utf-8"), message)
        XCTAssertTrue(message.contains("X-MailFrom: stockroom@example.org"), message)
        XCTAssertTrue(message.contains("X-RcptTo: alice@example.org, bob@example.org"), message)
        XCTAssertTrue(message.contains("Part R1 is low.\n.\nA line with a lone dot above."), message)
    }

    func testAnUnreachableServerIsAnErrorThatSaysWhere() throws {
        let port = try freeLoopbackPort()
        let mailer = SMTPMailer(settings: settings(port: port))
        XCTAssertThrowsError(try mailer.send(MailMessage(to: ["a@example.org"], subject: "s", body: "b"))) { error in
            XCTAssertTrue("\(error)".contains("smtp://127.0.0.1:\(port)"), "\(error)")
        }
    }

    func testABadAddressIsRefusedBeforeConnecting() throws {
        let mailer = SMTPMailer(settings: settings(port: 1))
        XCTAssertThrowsError(try mailer.send(MailMessage(to: ["a@example.org\r\nBcc: x@y"], subject: "s", body: "b"))) { error in
            XCTAssertTrue("\(error)".contains("is not an e-mail address"), "\(error)")
        }
    }

    func testTheWorkerSendsAnEnqueuedMessageAndRetriesWhenTheServerIsDown() throws {
        let downPort = try freeLoopbackPort()
        var environment = [
            "STOCKROOM_EMAIL_HOST": "127.0.0.1", "STOCKROOM_EMAIL_PORT": String(downPort),
            "STOCKROOM_EMAIL_SENDER": "stockroom@example.org",
        ]
        let down = try WorkerProcess(databaseURL: databaseURL, redisURL: self.environment.redisURL,
                                     scratch: self.environment.scratchDirectory, settings: environment)
        try down.waitUntilReady()
        let id = try connection.transaction { connection in
            try EmailTask.enqueue(MailMessage(to: ["carol@example.org"], subject: "Order overdue", body: "PO-0001 is overdue."),
                                  on: connection, options: .init(maxAttempts: 5))
        }
        let taskID = try XCTUnwrap(id)
        XCTAssertTrue(try eventually(timeout: 20) { (try TaskQueue.find(on: connection, id: taskID)?.attempt ?? 0) >= 2 },
                      "the failed send is retried")
        let row = try XCTUnwrap(TaskQueue.find(on: connection, id: taskID))
        XCTAssertTrue(row.lastError?.contains("smtp://127.0.0.1:\(downPort)") ?? false, row.lastError ?? "no error")
        XCTAssertEqual(try down.stop(), .exited(0))

        // The server comes up (on another port, with a worker configured for it): the pending message goes out.
        let server = try SMTPServer(scratch: self.environment.scratchDirectory)
        environment["STOCKROOM_EMAIL_PORT"] = String(server.port)
        let up = try WorkerProcess(databaseURL: databaseURL, redisURL: self.environment.redisURL,
                                   scratch: self.environment.scratchDirectory, settings: environment)
        try up.waitUntilReady()
        let message = try XCTUnwrap(server.waitForMessages(1, timeout: 30).first, "no message; worker stderr: \(up.process.standardError.suffix(2000))")
        XCTAssertTrue(message.contains("Subject: [InvenTree] Order overdue"), message)
        XCTAssertTrue(message.contains("To: carol@example.org"), message)
        XCTAssertTrue(try eventually(timeout: 10) { try TaskQueue.find(on: connection, id: taskID)?.state == "succeeded" })
        XCTAssertEqual(try up.stop(), .exited(0))
    }

    func tlsSettings(port: Int) -> MailSettings {
        var settings = settings(port: port)
        settings.user = "mailer"
        settings.password = "s3cret"
        settings.caFile = environment.scratchDirectory + "/cert.pem"
        return settings
    }

    func testSTARTTLSWithAuthenticationDeliversAndAWrongPasswordIsRefused() throws {
        let server = try SMTPServer(tlsMode: "starttls", scratch: environment.scratchDirectory)
        var settings = tlsSettings(port: server.port)
        settings.startTLS = true
        try SMTPMailer(settings: settings).send(MailMessage(to: ["alice@example.org"], subject: "tls", body: "over STARTTLS"))
        let message = try XCTUnwrap(server.waitForMessages(1, timeout: 10).first)
        XCTAssertTrue(message.contains("Subject: [Stock] tls"), message)
        XCTAssertTrue(server.process.standardOutput.contains("X-Authenticated: True"), server.process.standardOutput)

        settings.password = "wrong"
        XCTAssertThrowsError(try SMTPMailer(settings: settings).send(MailMessage(to: ["a@example.org"], subject: "s", body: "b"))) { error in
            XCTAssertTrue("\(error)".contains("failed"), "\(error)")
        }
        // Without STARTTLS the server (which requires it) refuses the message.
        settings.password = "s3cret"
        settings.startTLS = false
        XCTAssertThrowsError(try SMTPMailer(settings: settings).send(MailMessage(to: ["a@example.org"], subject: "s", body: "b")))
        XCTAssertEqual(server.messages.count, 1)
    }

    func testImplicitTLSWithAuthenticationDeliversAndAnUnknownCertificateIsRefused() throws {
        let server = try SMTPServer(tlsMode: "smtps", scratch: environment.scratchDirectory)
        var settings = tlsSettings(port: server.port)
        settings.implicitTLS = true
        try SMTPMailer(settings: settings).send(MailMessage(to: ["bob@example.org"], subject: "tls", body: "over implicit TLS"))
        let message = try XCTUnwrap(server.waitForMessages(1, timeout: 10).first)
        XCTAssertTrue(message.contains("To: bob@example.org"), message)
        settings.caFile = nil
        XCTAssertThrowsError(try SMTPMailer(settings: settings).send(MailMessage(to: ["a@example.org"], subject: "s", body: "b"))) { error in
            XCTAssertTrue("\(error)".contains("smtps://127.0.0.1:\(server.port)"), "\(error)")
        }
    }
}
