import Glibc

// The write end of the active relay's pipe; only read by the signal handler.
private var relayWriteEnd: Int32 = -1

private func relaySignal(_ signal: Int32) {
    let savedErrno = errno
    var byte = UInt8(truncatingIfNeeded: signal)
    _ = write(relayWriteEnd, &byte, 1)
    errno = savedErrno
}

/// Turns SIGINT and SIGTERM into bytes on a pipe that the event loop polls.
///
/// A process-wide handler rather than a signalfd: a signalfd only sees a process-directed signal
/// if every thread blocks it, which a library cannot promise (Foundation, Dispatch and XCTest
/// start threads of their own); a handler runs on whichever thread the kernel picks. The previous
/// handlers are restored when the relay is closed. One relay may be active at a time.
final class SignalRelay {
    static let signals: [Int32] = [SIGINT, SIGTERM]

    let readEnd: Int32
    private let writeEnd: Int32
    private var previous: [(Int32, sigaction)] = []

    init() throws {
        guard relayWriteEnd < 0 else {
            throw SupervisorError("another Supervisor in this process already handles SIGINT and SIGTERM (set handleSignals to false)")
        }
        let fds = try makeOutputPipe()
        _ = fcntl(fds.write, F_SETFL, fcntl(fds.write, F_GETFL) | O_NONBLOCK)
        readEnd = fds.read
        writeEnd = fds.write
        relayWriteEnd = writeEnd
        for signal in Self.signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = relaySignal
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            var old = sigaction()
            sigaction(signal, &action, &old)
            previous.append((signal, old))
        }
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for signal in Self.signals { sigaddset(&unblock, signal) }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }

    /// The signals received since the last call.
    func drain() -> [Int32] {
        var received: [Int32] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let count = read(readEnd, &buffer, buffer.count)
            if count > 0 {
                received += buffer[..<count].map { Int32($0) }
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                return received
            }
        }
    }

    deinit {
        for (signal, old) in previous {
            var action = old
            sigaction(signal, &action, nil)
        }
        relayWriteEnd = -1
        close(readEnd)
        close(writeEnd)
    }
}
