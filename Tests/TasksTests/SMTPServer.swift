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
        port = try SMTPServer.freePort()
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
        let deadline = TasksDatabaseTestCase.now() + 10
        while !SMTPServer.accepts(port: port) {
            guard TasksDatabaseTestCase.now() < deadline, process.isRunning else {
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
        let deadline = TasksDatabaseTestCase.now() + timeout
        while messages.count < count && TasksDatabaseTestCase.now() < deadline { usleep(20_000) }
        return messages
    }

    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address -> Int32 in
                guard bind(descriptor, address, length) == 0 else { return -1 }
                return getsockname(descriptor, address, &length)
            }
        }
        guard bound == 0 else { throw BuiltExecutable.Failure(description: "cannot find a free port: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

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
