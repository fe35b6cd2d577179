import Glibc

/// How a child process ended, as `waitpid` tells it.
public enum ChildExitStatus: Equatable, Sendable, CustomStringConvertible {
    /// The process called `exit(code)`.
    case exited(Int32)
    /// The process was killed by a signal.
    case signaled(Int32)

    /// Decodes a `waitpid` status word.
    public init(waitStatus status: Int32) {
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift cannot import.
        let termination = status & 0x7f
        if termination == 0 {
            self = .exited((status >> 8) & 0xff)
        } else {
            self = .signaled(termination)
        }
    }

    /// "exited with status 1", "was killed by SIGSEGV".
    public var description: String {
        switch self {
        case .exited(let code): return "exited with status \(code)"
        case .signaled(let signal): return "was killed by \(signalName(signal))"
        }
    }
}

/// "SIGTERM" for 15, "signal 42" for a number without a common name.
func signalName(_ signal: Int32) -> String {
    switch signal {
    case SIGHUP: return "SIGHUP"
    case SIGINT: return "SIGINT"
    case SIGQUIT: return "SIGQUIT"
    case SIGILL: return "SIGILL"
    case SIGTRAP: return "SIGTRAP"
    case SIGABRT: return "SIGABRT"
    case SIGBUS: return "SIGBUS"
    case SIGFPE: return "SIGFPE"
    case SIGKILL: return "SIGKILL"
    case SIGUSR1: return "SIGUSR1"
    case SIGSEGV: return "SIGSEGV"
    case SIGUSR2: return "SIGUSR2"
    case SIGPIPE: return "SIGPIPE"
    case SIGALRM: return "SIGALRM"
    case SIGTERM: return "SIGTERM"
    default: return "signal \(signal)"
    }
}

/// "250ms", "1.5s", "10s": short human-readable durations for report lines.
func describe(_ duration: Duration) -> String {
    let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    if milliseconds < 1000 { return "\(milliseconds)ms" }
    if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
    let tenths = milliseconds / 100
    return "\(tenths / 10).\(tenths % 10)s"
}
