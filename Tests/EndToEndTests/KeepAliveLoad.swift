import Daemon
import Glibc

/// A load generator with exact per-request accounting, for the drain and restart proofs: `clients`
/// threads, each sending GET requests one after another on a keep-alive connection to 127.0.0.1:`port`,
/// reconnecting when the server closes (after a `Connection: close` answer, or otherwise). Unlike
/// wrk's error totals, it tells apart what happened to each request it sent.
final class KeepAliveLoad {
    /// What became of one request.
    enum Outcome: Hashable, CustomStringConvertible {
        /// A complete 200 response.
        case answered
        /// A complete response with another status.
        case status(Int)
        /// Some of a response, then the connection ended or stalled: always a failure.
        case partial
        /// A connection that had answered before ended (EOF or reset) with no byte of this request's response.
        case droppedOnReusedConnection
        /// A fresh connection ended with no byte of a response (nobody accepted it, or it was accepted and dropped).
        case unservedOnNewConnection
        /// `connect` was refused: nothing listened.
        case refused
        /// No byte of a response within the receive timeout.
        case timedOut

        var description: String {
            switch self {
            case .answered: return "answered"
            case .status(let code): return "status \(code)"
            case .partial: return "partial response"
            case .droppedOnReusedConnection: return "dropped on a reused connection"
            case .unservedOnNewConnection: return "unserved on a new connection"
            case .refused: return "connection refused"
            case .timedOut: return "timed out"
            }
        }
    }

    /// One request's outcome and when it ended (seconds on the monotonic clock).
    struct Event {
        let outcome: Outcome
        let time: Double
        /// Whether the response said `Connection: close`.
        let closed: Bool
    }

    let port: Int
    let paths: [String]
    private let lock = Lock()
    private var events: [Event] = []
    private var stopping = false
    private var threads: [JoinableThread] = []

    /// Starts `clients` threads that request `paths` in turn.
    init(port: Int, paths: [String], clients: Int) {
        self.port = port
        self.paths = paths
        for index in 0..<clients {
            threads.append(JoinableThread(name: "load-\(index)") { [self] in runClient(offset: index) })
        }
    }

    /// Stops the clients (each finishes the request it is in) and returns every request's outcome.
    func stop() -> [Event] {
        lock.withLock { stopping = true }
        for thread in threads { thread.join() }
        threads = []
        return lock.withLock { events }
    }

    /// Requests whose outcome is `outcome`.
    static func count(_ events: [Event], _ outcome: Outcome, after start: Double = 0) -> Int {
        events.filter { $0.outcome == outcome && $0.time >= start }.count
    }

    /// "outcome: count" for every outcome seen, for failure messages.
    static func summary(_ events: [Event]) -> String {
        var counts: [String: Int] = [:]
        for event in events { counts[event.outcome.description, default: 0] += 1 }
        return counts.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
    }

    private var isStopping: Bool { lock.withLock { stopping } }

    private func record(_ outcome: Outcome, closed: Bool = false) {
        let event = Event(outcome: outcome, time: monotonicSeconds(), closed: closed)
        lock.withLock { events.append(event) }
    }

    private func runClient(offset: Int) {
        var fd: Int32 = -1
        var reused = false
        var index = offset
        while !isStopping {
            if fd < 0 {
                switch connectToServer() {
                case .success(let connected):
                    fd = connected
                    reused = false
                case .failure(let code):
                    record(code == ECONNREFUSED ? .refused : .unservedOnNewConnection)
                    usleep(2_000)
                    continue
                }
            }
            let path = paths[index % paths.count]
            index += 1
            let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUser-Agent: keep-alive-load\r\n\r\n".utf8)
            let sent = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            let result: (outcome: Outcome, close: Bool)
            if sent != request.count {
                result = (reused ? .droppedOnReusedConnection : .unservedOnNewConnection, true)
            } else {
                result = readResponse(fd, reused: reused)
            }
            record(result.outcome, closed: result.close)
            if result.close || result.outcome != .answered {
                close(fd)
                fd = -1
            } else {
                reused = true
            }
        }
        if fd >= 0 { close(fd) }
    }

    private enum ConnectResult {
        case success(Int32)
        case failure(Int32)
    }

    private func connectToServer() -> ConnectResult {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failure(errno) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            close(fd)
            return .failure(code)
        }
        return .success(fd)
    }

    /// Reads one response framed by Content-Length; whether the server said `Connection: close`.
    private func readResponse(_ fd: Int32, reused: Bool) -> (outcome: Outcome, close: Bool) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        var headEnd: Int?
        var needed = Int.max
        var status = 0
        var closeAfter = false
        while received.count < needed {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 {
                let timedOut = count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
                if !received.isEmpty { return (.partial, true) }
                if timedOut { return (.timedOut, true) }
                return (reused ? .droppedOnReusedConnection : .unservedOnNewConnection, true)
            }
            received.append(contentsOf: buffer[0..<count])
            if headEnd == nil, let end = Self.find([13, 10, 13, 10], in: received) {
                headEnd = end + 4
                let head = String(decoding: received[0..<end], as: UTF8.self).lowercased()
                let lines = head.split(separator: "\r\n")
                let statusParts = lines.first?.split(separator: " ") ?? []
                status = statusParts.count > 1 ? Int(statusParts[1]) ?? 0 : 0
                var length: Int?
                for line in lines.dropFirst() {
                    if line.hasPrefix("content-length:") { length = Int(line.dropFirst(15).trimmingCharacters()) }
                    if line.hasPrefix("connection:") && line.contains("close") { closeAfter = true }
                }
                // Every response these tests ask for has a length; one without would be a framing failure.
                guard let length else { return (.partial, true) }
                needed = end + 4 + length
            }
        }
        if received.count > needed { return (.partial, true) }
        return (status == 200 ? .answered : .status(status), closeAfter)
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return start }
        }
        return nil
    }
}

extension Substring {
    func trimmingCharacters() -> Substring {
        var text = self
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return text
    }
}
