import Glibc

/// A test `NOTIFY_SOCKET`: a unix datagram socket in a temporary directory that records every sd_notify message.
public final class NotifyRecorder: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The socket path, to pass as `NOTIFY_SOCKET`.
    public let path: String
    private let inbox: Inbox

    public init() throws {
        var template = Array("/tmp/notify-recorder-XXXXXX".utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw Failure(description: "cannot create a directory for the notify socket: \(String(cString: strerror(errno)))")
        }
        let directory = String(cString: created)
        path = directory + "/notify.sock"
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "cannot create a datagram socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw Failure(description: "cannot bind the notify socket \(path): \(reason)")
        }
        inbox = Inbox(descriptor: descriptor, path: path, directory: directory)
        var thread = pthread_t()
        let context = Unmanaged.passRetained(inbox).toOpaque()
        pthread_create(&thread, nil, { argument in
            guard let argument else { return nil }
            Unmanaged<Inbox>.fromOpaque(argument).takeRetainedValue().receive()
            return nil
        }, context)
        pthread_detach(thread)
    }

    deinit {
        inbox.stop()
    }

    /// Every datagram received so far, in order.
    public var messages: [String] { inbox.locked { inbox.received } }

    /// Every assignment ("READY=1", "STATUS=...") received so far, in order.
    public var assignments: [String] {
        messages.flatMap { $0.split(separator: "\n").map(String.init) }
    }

    /// How many received assignments equal `assignment` (or start with it, when it ends with "=").
    public func count(of assignment: String) -> Int {
        assignments.filter { Self.matches($0, assignment) }.count
    }

    /// Waits until `assignment` has been received at least `count` times; false after `timeout` seconds.
    @discardableResult
    public func waitFor(_ assignment: String, count: Int = 1, timeout: Double) -> Bool {
        let deadline = ChildProcess.now() + timeout
        while ChildProcess.now() < deadline {
            if self.count(of: assignment) >= count { return true }
            usleep(5_000)
        }
        return self.count(of: assignment) >= count
    }

    private static func matches(_ received: String, _ wanted: String) -> Bool {
        wanted.hasSuffix("=") ? received.hasPrefix(wanted) : received == wanted
    }

    /// The socket and what it received, shared with the receiving thread (which outlives the recorder briefly).
    private final class Inbox: @unchecked Sendable {
        let descriptor: Int32
        let path: String
        let directory: String
        var received: [String] = []
        private var stopped = false
        private var mutex = pthread_mutex_t()

        init(descriptor: Int32, path: String, directory: String) {
            self.descriptor = descriptor
            self.path = path
            self.directory = directory
            pthread_mutex_init(&mutex, nil)
        }

        deinit {
            close(descriptor)
            unlink(path)
            rmdir(directory)
            pthread_mutex_destroy(&mutex)
        }

        func stop() { locked { stopped = true } }

        func receive() {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while !locked({ stopped }) {
                var descriptors = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                guard poll(&descriptors, 1, 20) > 0 else { continue }
                let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
                if count > 0 {
                    let message = String(decoding: buffer[0..<count], as: UTF8.self)
                    locked { received.append(message) }
                }
            }
        }

        func locked<T>(_ body: () -> T) -> T {
            pthread_mutex_lock(&mutex)
            defer { pthread_mutex_unlock(&mutex) }
            return body()
        }
    }
}
