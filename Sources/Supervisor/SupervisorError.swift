import Glibc

/// A failure of the supervisor or of the development services, with what was being done.
public struct SupervisorError: Error, CustomStringConvertible, Equatable {
    /// What went wrong, in a sentence for the developer.
    public let description: String

    /// An error with a ready-made message.
    public init(_ description: String) { self.description = description }

    /// "what: strerror(errno)" for the current errno.
    static func system(_ what: String, errno code: Int32 = errno) -> SupervisorError {
        SupervisorError("\(what): \(String(cString: strerror(code)))")
    }
}
