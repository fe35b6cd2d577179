import CShim
import Glibc

nonisolated(unsafe) private var signalForwardingDescriptor: Int32 = -1

/// Waits for SIGTERM, SIGINT and SIGHUP on a dedicated thread. The signals are blocked (so threads created
/// afterwards inherit the mask) and read through a signalfd; threads that existed before and still accept
/// them get a handler that forwards the signal through a pipe, so no signal is lost or kills the process.
public final class SignalWaiter {
    static let handled: [Int32] = [SIGTERM, SIGINT, SIGHUP]

    private let signalDescriptor: Int32
    private let pipeRead: Int32

    /// Blocks the signals in the calling thread; call before starting any thread.
    init() throws {
        var set = sigset_t()
        sigemptyset(&set)
        for number in SignalWaiter.handled { sigaddset(&set, number) }
        guard pthread_sigmask(SIG_BLOCK, &set, nil) == 0 else { throw SocketError("cannot block signals") }
        signalDescriptor = signalfd(-1, &set, Int32(SFD_CLOEXEC))
        guard signalDescriptor >= 0 else { throw SocketError("cannot create a signalfd") }
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw SocketError("cannot create a pipe for signals") }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
        }
        pipeRead = ends[0]
        signalForwardingDescriptor = ends[1]
        for number in SignalWaiter.handled {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                let saved = errno
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(signalForwardingDescriptor, &byte, 1)
                errno = saved
            }
            action.sa_flags = SA_RESTART
            sigemptyset(&action.sa_mask)
            sigaction(number, &action, nil)
        }
        signal(SIGPIPE, SIG_IGN)
    }

    /// Starts the thread that calls `handler` with each signal number, in order of arrival.
    func start(_ handler: @escaping (Int32) -> Void) {
        let signalDescriptor = self.signalDescriptor
        let pipeRead = self.pipeRead
        startThread(name: "signals") {
            var descriptors = [pollfd(fd: signalDescriptor, events: Int16(POLLIN), revents: 0),
                               pollfd(fd: pipeRead, events: Int16(POLLIN), revents: 0)]
            while true {
                let ready = poll(&descriptors, nfds_t(descriptors.count), -1)
                if ready < 0 { continue }
                if descriptors[0].revents & Int16(POLLIN) != 0 {
                    var info = signalfd_siginfo()
                    let size = MemoryLayout<signalfd_siginfo>.size
                    if read(signalDescriptor, &info, size) == size { handler(Int32(info.ssi_signo)) }
                }
                if descriptors[1].revents & Int16(POLLIN) != 0 {
                    var byte: UInt8 = 0
                    while read(pipeRead, &byte, 1) == 1 { handler(Int32(byte)) }
                }
            }
        }
    }
}
