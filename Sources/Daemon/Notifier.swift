import CShim
import Glibc

/// Sends sd_notify(3) messages to the socket in `NOTIFY_SOCKET` (a path, or "@name" for an abstract socket).
/// Without `NOTIFY_SOCKET` every call is a no-op.
public final class Notifier: @unchecked Sendable {
    /// The socket messages go to, or nil when notifications are off.
    public let socketPath: String?
    /// How often systemd expects a `WATCHDOG=1` at the latest (`WATCHDOG_USEC`), or nil when the watchdog is off.
    public let watchdogInterval: Duration?
    private let lock = Lock()
    private var descriptor: Int32 = -1

    public init(socketPath: String?, watchdogInterval: Duration? = nil) {
        self.socketPath = socketPath.flatMap { $0.isEmpty ? nil : $0 }
        self.watchdogInterval = watchdogInterval
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` (a watchdog meant for another process is ignored).
    public static func fromEnvironment(_ environment: [String: String] = ProcessEnvironment.current) -> Notifier {
        Notifier(socketPath: environment["NOTIFY_SOCKET"],
                 watchdogInterval: watchdogInterval(environment, processID: getpid()))
    }

    /// The watchdog interval `environment` asks of process `processID`, if any.
    public static func watchdogInterval(_ environment: [String: String], processID: Int32) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let microseconds = Int64(text), microseconds > 0 else {
            return nil
        }
        if let pidText = environment["WATCHDOG_PID"], !pidText.isEmpty {
            guard Int32(pidText) == processID else { return nil }
        }
        return .microseconds(microseconds)
    }

    /// True if messages are sent somewhere.
    public var isEnabled: Bool { socketPath != nil }

    /// `READY=1`, with `STATUS=` in the same message if given.
    public func ready(status: String? = nil) {
        send("READY=1" + (status.map { "\nSTATUS=\(Notifier.oneLine($0))" } ?? ""))
    }

    /// `STATUS=` with a one-line description of the state.
    public func status(_ text: String) { send("STATUS=\(Notifier.oneLine(text))") }

    /// `STOPPING=1`: the drain has begun.
    public func stopping() { send("STOPPING=1") }

    /// `RELOADING=1` with `MONOTONIC_USEC` (systemd's Type=notify-reload wants both); follow with `ready()`.
    public func reloading() {
        send("RELOADING=1\nMONOTONIC_USEC=\(monotonicNanoseconds() / 1000)")
    }

    /// `WATCHDOG=1`; normally sent by `Watchdog`, not directly.
    public func watchdogPing() { send("WATCHDOG=1") }

    /// Sends `state` (newline-separated assignments) as one datagram; returns false if it could not be sent.
    @discardableResult
    public func send(_ state: String) -> Bool {
        guard let socketPath else { return false }
        return lock.withLock {
            if descriptor < 0 {
                descriptor = shim_socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
                if descriptor < 0 { return false }
            }
            var bytes = Array(state.utf8)
            let sent = withUnixSocketAddress(socketPath) { address, length in
                bytes.withUnsafeMutableBytes { raw in
                    sendto(descriptor, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL), address, length)
                }
            }
            return (sent ?? -1) == bytes.count
        }
    }

    private static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
