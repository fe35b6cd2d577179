import Daemon
import Foundation
import Glibc
import TestSupport

/// aiosmtpd (Debian's python3-aiosmtpd) on a free loopback port, printing every message it accepts with its
/// envelope (X-MailFrom, X-RcptTo lines before the message).
final class SMTPServer {
    let port: Int
    let process: ChildProcess

    static let handler = """
        class Recorder:
            async def handle_DATA(self, server, session, envelope):
                print("---------- MESSAGE FOLLOWS ----------")
                print("X-MailFrom: " + envelope.mail_from)
                print("X-RcptTo: " + ", ".join(envelope.rcpt_tos))
                print(envelope.content.decode("utf-8", "replace").replace("\\r\\n", "\\n"))
                print("------------ END MESSAGE ------------", flush=True)
                return "250 OK"
        """

    init(scratch: String, extraArguments: [String] = []) throws {
        port = try freeLoopbackPort()
        let module = scratch + "/smtp_recorder.py"
        guard let file = fopen(module, "w") else {
            throw BuiltExecutable.Failure(description: "cannot write \(module): \(String(cString: strerror(errno)))")
        }
        fputs(SMTPServer.handler + "\n", file)
        fclose(file)
        process = try ChildProcess(
            executable: "/usr/bin/python3",
            arguments: ["-u", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(port)", "-c", "smtp_recorder.Recorder"] + extraArguments,
            environment: ["PATH": "/usr/bin:/bin", "PYTHONPATH": scratch])
        try waitUntilListening()
    }

    private func waitUntilListening() throws {
        let deadline = monotonicSeconds() + 10
        while !SMTPServer.accepts(port: port) {
            guard monotonicSeconds() < deadline, process.isRunning else {
                throw BuiltExecutable.Failure(description: "aiosmtpd did not listen on port \(port) (is python3-aiosmtpd installed? scripts/install-deps adds it): \(process.standardError.suffix(2000))")
            }
            usleep(20_000)
        }
    }

    deinit { process.signal(SIGTERM) }

    /// Everything the server printed: each message between "MESSAGE FOLLOWS" and "END MESSAGE" lines.
    var messages: [String] {
        process.standardOutput.components(separatedBy: "---------- MESSAGE FOLLOWS ----------").dropFirst().map {
            $0.components(separatedBy: "------------ END MESSAGE ------------")[0]
        }
    }

    func waitForMessages(_ count: Int, timeout: Double) -> [String] {
        let deadline = monotonicSeconds() + timeout
        while messages.count < count && monotonicSeconds() < deadline { usleep(20_000) }
        return messages
    }

    /// aiosmtpd with TLS and required authentication (user "mailer", password "s3cret"): `mode` is "starttls"
    /// (STARTTLS required) or "smtps" (implicit TLS). The certificate is for 127.0.0.1, in `scratch`/cert.pem.
    init(tlsMode mode: String, scratch: String) throws {
        port = try freeLoopbackPort()
        let openssl = try ChildProcess(executable: "/usr/bin/openssl", arguments: [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", scratch + "/key.pem", "-out", scratch + "/cert.pem",
            "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
        ], environment: ["PATH": "/usr/bin:/bin"])
        guard try openssl.wait(timeout: 30) == .exited(0) else {
            throw BuiltExecutable.Failure(description: "openssl could not make a test certificate: \(openssl.standardError)")
        }
        let script = scratch + "/smtp_tls_server.py"
        guard let file = fopen(script, "w") else {
            throw BuiltExecutable.Failure(description: "cannot write \(script): \(String(cString: strerror(errno)))")
        }
        fputs(SMTPServer.tlsServer + "\n", file)
        fclose(file)
        process = try ChildProcess(executable: "/usr/bin/python3", arguments: ["-u", script, mode, String(port), scratch],
                                   environment: ["PATH": "/usr/bin:/bin", "PYTHONPATH": scratch])
        try waitUntilListening()
    }

    static let tlsServer = """
        import ssl, sys, time
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult
        from smtp_recorder import Recorder

        class AuthRecorder(Recorder):
            async def handle_DATA(self, server, session, envelope):
                print("X-Authenticated: " + str(session.authenticated))
                return await super().handle_DATA(server, session, envelope)

        def authenticator(server, session, envelope, mechanism, auth_data):
            return AuthResult(success=auth_data.login == b"mailer" and auth_data.password == b"s3cret", handled=False)

        mode, port, directory = sys.argv[1], int(sys.argv[2]), sys.argv[3]
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(directory + "/cert.pem", directory + "/key.pem")
        options = dict(authenticator=authenticator, auth_required=True, auth_require_tls=True)
        if mode == "starttls":
            controller = Controller(AuthRecorder(), hostname="127.0.0.1", port=port, tls_context=context,
                                    require_starttls=True, **options)
        else:
            # aiosmtpd does not count implicit TLS as TLS for AUTH; the socket is TLS all the same.
            options["auth_require_tls"] = False
            controller = Controller(AuthRecorder(), hostname="127.0.0.1", port=port, ssl_context=context, **options)
        controller.start()
        while True:
            time.sleep(3600)
        """

    static func accepts(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
