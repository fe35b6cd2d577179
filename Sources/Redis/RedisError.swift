/// Everything that can go wrong talking to Redis. Callers that treat Redis as optional check
/// `isUnavailable` and fall back to the source of truth.
public enum RedisError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The URL could not be understood; the password, if any, is not repeated.
    case invalidURL(String, reason: String)
    /// The connection could not be opened (refused, no such socket, connect timeout, ...).
    case connectFailed(address: String, reason: String)
    /// The server refused the credentials of the URL.
    case authenticationFailed(address: String, message: String)
    /// A recent connect failed, so no new attempt is made until the back-off interval has passed.
    case backingOff(address: String, lastFailure: String)
    /// Reading or writing failed (connection reset, closed by the server, ...); the connection is broken.
    case io(address: String, reason: String)
    /// No reply came within the command timeout; the connection is broken.
    case timeout(address: String)
    /// The server sent something that is not RESP; the connection is broken.
    case protocolError(address: String, reason: String)
    /// The connection was broken by an earlier error and cannot be used any more.
    case connectionBroken(address: String)
    /// The server answered with an error reply (for example `WRONGTYPE ...`); the connection is fine.
    case server(String)
    /// A command was sent with no arguments at all.
    case emptyCommand
    /// A convenience command got a reply of a type it does not expect.
    case unexpectedReply(command: String, reply: String)
    /// Every connection of the pool stayed busy for the whole checkout timeout.
    case poolExhausted(address: String, waitedMilliseconds: Int)
    /// The pool was shut down.
    case poolClosed(address: String)

    /// True when the error says Redis cannot be reached or used right now (as opposed to a
    /// mistake in the command or the data), so the caller should carry on without Redis.
    public var isUnavailable: Bool {
        switch self {
        case .connectFailed, .authenticationFailed, .backingOff, .io, .timeout, .protocolError,
             .connectionBroken, .poolExhausted, .poolClosed:
            return true
        case .invalidURL, .server, .emptyCommand, .unexpectedReply:
            return false
        }
    }

    public var description: String {
        switch self {
        case .invalidURL(let url, let reason):
            return "invalid Redis URL \"\(url)\": \(reason)"
        case .connectFailed(let address, let reason):
            return "cannot connect to Redis at \(address): \(reason)"
        case .authenticationFailed(let address, let message):
            return "Redis at \(address) refused the credentials: \(message)"
        case .backingOff(let address, let lastFailure):
            return "Redis at \(address) is not retried yet after a failed connect (\(lastFailure))"
        case .io(let address, let reason):
            return "connection to Redis at \(address) failed: \(reason)"
        case .timeout(let address):
            return "Redis at \(address) did not answer within the command timeout"
        case .protocolError(let address, let reason):
            return "protocol error from Redis at \(address): \(reason)"
        case .connectionBroken(let address):
            return "the connection to Redis at \(address) is broken by an earlier error"
        case .server(let message):
            return "Redis error reply: \(message)"
        case .emptyCommand:
            return "a Redis command needs at least its name"
        case .unexpectedReply(let command, let reply):
            return "unexpected reply to Redis \(command): \(reply)"
        case .poolExhausted(let address, let waited):
            return "no Redis connection to \(address) became free within \(waited) ms"
        case .poolClosed(let address):
            return "the Redis pool for \(address) is shut down"
        }
    }
}
