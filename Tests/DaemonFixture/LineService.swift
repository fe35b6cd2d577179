import Daemon
import Glibc
import Synchronization

/// The fixture's one service: a serial accept loop that pings the watchdog on every iteration.
final class LineService: DaemonService {
    enum Failure: Error, CustomStringConvertible {
        case startRefused, crashRequested
        var description: String {
            switch self {
            case .startRefused: return "fail_start is set"
            case .crashRequested: return "a client asked for a crash"
            }
        }
    }

    let name = "http"
    private let listener: Int32
    private let watchdog: Watchdog
    private let logger: Logger
    private let greeting: Mutex<String>
    private let failStart: Bool
    private var wakeRead: Int32 = -1
    private var wakeWrite: Int32 = -1

    init(listener: Int32, watchdog: Watchdog, logger: Logger, configuration: Configuration) {
        self.listener = listener
        self.watchdog = watchdog
        self.logger = logger
        self.greeting = Mutex(configuration.optionalString("greeting") ?? "hello")
        self.failStart = (try? configuration.bool("fail_start", default: false)) ?? false
    }

    func start() throws {
        if failStart { throw Failure.startRefused }
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw Failure.startRefused }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        wakeRead = ends[0]
        wakeWrite = ends[1]
    }

    func run() throws {
        let participant = watchdog.register("accept loop")
        defer { watchdog.unregister(participant) }
        let timeout = watchdog.pollTimeoutMilliseconds
        while true {
            watchdog.alive(participant)
            var descriptors = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
                               pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            guard poll(&descriptors, 2, timeout) >= 0 else { continue }
            if descriptors[1].revents != 0 { break }
            if descriptors[0].revents & Int16(POLLIN) != 0 {
                let connection = accept(listener, nil, nil)
                if connection >= 0 { try serve(connection) }
            }
        }
        close(listener)
        logger.info("accept loop finished")
    }

    func beginShutdown() {
        // Refuse new connections at once, even while the loop is busy with a request.
        shutdown(listener, Int32(SHUT_RDWR))
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    func reload(_ configuration: Configuration) throws {
        let text = configuration.optionalString("greeting") ?? "hello"
        greeting.withLock { $0 = text }
    }

    private func serve(_ connection: Int32) throws {
        defer { close(connection) }
        let request = readLine(connection)
        logger.info("request received", ["REQUEST": request])
        let words = request.split(separator: " ")
        var answer: String
        switch words.first {
        case "sleep":
            let milliseconds = words.count > 1 ? Int(words[1]) ?? 0 : 0
            usleep(UInt32(max(0, milliseconds)) * 1000)
            answer = "done"
        case "hang":
            var descriptor = pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)
            while poll(&descriptor, 1, -1) < 0 {}
            answer = "released"
        case "greeting":
            answer = greeting.withLock { $0 }
        case "ping":
            answer = "pong"
        case "crash":
            throw Failure.crashRequested
        default:
            answer = "unknown request"
        }
        logger.debug("handled request", ["REQUEST": request])
        answer += "\n"
        _ = answer.withCString { send(connection, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    }

    private func readLine(_ connection: Int32) -> String {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while bytes.count < 1024, recv(connection, &byte, 1, 0) == 1, byte != UInt8(ascii: "\n") {
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
