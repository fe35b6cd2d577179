import Glibc

/// A socket-activation problem: bad `LISTEN_*` variables, or a required socket that was not passed.
public struct ActivationError: Error, CustomStringConvertible {
    public let description: String
}

/// The listening sockets systemd passed (`LISTEN_FDS`, `LISTEN_PID`, `LISTEN_FDNAMES`), by name.
public struct ActivatedSockets {
    /// The first passed descriptor; the others follow it.
    public static let firstDescriptor: Int32 = 3

    /// The passed sockets in order: name (from LISTEN_FDNAMES, else "unknown") and descriptor.
    public let sockets: [(name: String, descriptor: Int32)]
    /// LISTEN_FDNAMES as it was passed, for error messages.
    let passedNames: String?

    public init(sockets: [(name: String, descriptor: Int32)]) {
        self.sockets = sockets
        self.passedNames = sockets.isEmpty ? nil : sockets.map(\.name).joined(separator: ":")
    }

    /// Reads the sockets passed to this process, then unsets the variables (so children do not inherit them)
    /// and marks the descriptors close-on-exec.
    public static func fromEnvironment(_ environment: [String: String] = ProcessEnvironment.current) throws -> ActivatedSockets {
        let activated = try parse(environment, processID: getpid())
        if environment["LISTEN_PID"].flatMap(Int32.init) == getpid() {
            unsetenv("LISTEN_FDS")
            unsetenv("LISTEN_PID")
            unsetenv("LISTEN_FDNAMES")
        }
        for (name, descriptor) in activated.sockets {
            let flags = fcntl(descriptor, F_GETFD)
            guard flags >= 0 else {
                throw ActivationError(description: "LISTEN_FDS says socket '\(name)' is descriptor \(descriptor), but it is not open: \(errnoText(currentErrno()))")
            }
            _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC)
        }
        return activated
    }

    /// Interprets the variables for the process `processID` without touching the process (no side effects).
    /// Variables meant for another process (LISTEN_PID differs) are ignored.
    public static func parse(_ environment: [String: String], processID: Int32) throws -> ActivatedSockets {
        guard let pidText = environment["LISTEN_PID"], let countText = environment["LISTEN_FDS"] else {
            return ActivatedSockets(sockets: [])
        }
        guard let pid = Int32(pidText) else {
            throw ActivationError(description: "LISTEN_PID='\(pidText)' is not a process id")
        }
        guard pid == processID else { return ActivatedSockets(sockets: []) }
        guard let count = Int(countText), count >= 0, count <= 1024 else {
            throw ActivationError(description: "LISTEN_FDS='\(countText)' is not a number of descriptors (0...1024)")
        }
        var names: [String]
        if let namesText = environment["LISTEN_FDNAMES"] {
            names = namesText.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard names.count == count else {
                throw ActivationError(description: "LISTEN_FDNAMES='\(namesText)' names \(names.count) sockets but LISTEN_FDS=\(count)")
            }
        } else {
            names = Array(repeating: "unknown", count: count)
        }
        let sockets = names.enumerated().map { (name: $0.element, descriptor: firstDescriptor + Int32($0.offset)) }
        return ActivatedSockets(sockets: sockets)
    }

    /// The names of the passed sockets, in order.
    public var names: [String] { sockets.map(\.name) }

    /// The first passed socket called `name`.
    public func descriptor(named name: String) -> Int32? {
        sockets.first { $0.name == name }?.descriptor
    }

    /// Every passed socket called `name` (systemd may pass several with one name).
    public func descriptors(named name: String) -> [Int32] {
        sockets.filter { $0.name == name }.map(\.descriptor)
    }

    /// The activated socket called `name`, else a socket bound to `fallback` (development), else an error
    /// that says which names were passed.
    public func require(_ name: String, fallback: ListenAddress? = nil) throws -> Int32 {
        if let descriptor = descriptor(named: name) { return descriptor }
        if let fallback { return try bindListeningSocket(fallback) }
        let passed = passedNames.map { "LISTEN_FDNAMES=\($0)" } ?? "no LISTEN_FDS"
        throw ActivationError(description: "no socket named '\(name)' was passed by systemd (\(passed)); pass it, or bind one with --listen \(name)=127.0.0.1:8000")
    }
}
