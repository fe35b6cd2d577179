import Foundation
import Glibc
import Redis
import TestSupport

/// A redis-server of the test's own, on a unix socket in a fresh directory (or on a free TCP
/// port of 127.0.0.1), run in the foreground as a child so the test can kill, stop and
/// restart it.
final class PrivateRedisServer {
    enum Listener {
        case unixSocket
        case tcp(password: String)
    }

    let directory: String
    let socketPath: String
    let port: Int
    let listener: Listener
    private var process: Process?

    init(_ listener: Listener = .unixSocket) throws {
        let scratch = try TestEnvironment.current().scratchDirectory
        var template = Array("\(scratch)/own-redis.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure("mkdtemp failed in \(scratch)") }
        directory = String(cString: made)
        socketPath = "\(directory)/redis.sock"
        self.listener = listener
        if case .tcp = listener { port = try freeLoopbackPort() } else { port = 0 }
        try start()
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The unix-socket address, or the TCP one with the password and `database`.
    func url(database: Int = 0) -> String {
        switch listener {
        case .unixSocket: return "unix://\(socketPath)?db=\(database)"
        case .tcp(let password): return "redis://:\(percentEncoded(password))@127.0.0.1:\(port)/\(database)"
        }
    }

    var address: RedisAddress {
        get throws { try RedisAddress(url: url()) }
    }

    func start() throws {
        var arguments = ["redis-server", "--save", "", "--appendonly", "no", "--dir", directory,
                         "--logfile", "\(directory)/redis.log", "--daemonize", "no"]
        switch listener {
        case .unixSocket:
            arguments += ["--port", "0", "--unixsocket", socketPath, "--unixsocketperm", "700"]
        case .tcp(let password):
            arguments += ["--port", String(port), "--bind", "127.0.0.1", "--requirepass", password]
        }
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        child.arguments = arguments
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        process = child
        try waitUntilReady()
    }

    /// Kills the server with SIGKILL, like a crash, and waits until it is gone.
    func kill() {
        guard let child = process else { return }
        if child.isRunning {
            Glibc.kill(child.processIdentifier, SIGCONT)
            Glibc.kill(child.processIdentifier, SIGKILL)
        }
        child.waitUntilExit()
        process = nil
    }

    /// SIGSTOP: the server keeps its sockets but answers nothing.
    func pause() {
        if let child = process { Glibc.kill(child.processIdentifier, SIGSTOP) }
    }

    func resume() {
        if let child = process { Glibc.kill(child.processIdentifier, SIGCONT) }
    }

    private func waitUntilReady() throws {
        var lastError: Error?
        for _ in 0..<100 {
            do {
                try RedisConnection(url: url()).ping()
                return
            } catch {
                lastError = error
                usleep(50_000)
            }
        }
        let log = (try? String(contentsOfFile: "\(directory)/redis.log", encoding: .utf8)) ?? ""
        throw Failure("own redis-server did not start: \(lastError.map { "\($0)" } ?? "?")\n\(log)")
    }

}

/// `text` with every byte but letters and digits as %XX, as a URL's password must be.
func percentEncoded(_ text: String) -> String {
    text.utf8.map { byte in
        let character = Character(Unicode.Scalar(byte))
        if byte < 0x80 && (character.isLetter || character.isNumber) { return String(character) }
        let hex = String(byte, radix: 16, uppercase: true)
        return "%" + (hex.count == 1 ? "0" + hex : hex)
    }.joined()
}

struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The shared private Redis of scripts/with-services, and names no other test uses.
enum SharedRedis {
    static func url() throws -> String { try TestEnvironment.current().redisURL }

    static func connection() throws -> RedisConnection { try RedisConnection(url: url()) }

    /// A key prefix unique to one test run of one test.
    static func prefix(_ test: String) -> String {
        "test:\(test):\(UInt32.random(in: 0...UInt32.max)):"
    }
}

/// How long `body` takes, and what it threw.
func timed(_ body: () throws -> Void) -> (Duration, Error?) {
    let start = ContinuousClock.now
    do {
        try body()
        return (ContinuousClock.now - start, nil)
    } catch {
        return (ContinuousClock.now - start, error)
    }
}
