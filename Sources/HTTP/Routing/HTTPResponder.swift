import Daemon
import Synchronization

/// How a `.deferred` handler hands its response to the engine: `respond` once, from any thread.
public final class HTTPResponder: @unchecked Sendable {
    private let deliver: ((HTTPResponse) -> Void)?
    /// The connection whose request this answers (then `deliver` is nil): no closure to allocate per request.
    private let connection: Connection?
    private let answered = Atomic<Bool>(false)

    init(_ deliver: @escaping (HTTPResponse) -> Void) {
        self.deliver = deliver
        connection = nil
    }

    /// Answers `connection`'s current request: on its loop's thread (an upstream exchange run in the
    /// loop) the response is written at once; from another thread it is posted to the loop.
    init(connection: Connection) {
        deliver = nil
        self.connection = connection
    }

    /// Sends `response` to the client; calls after the first are ignored.
    public func respond(_ response: HTTPResponse) {
        guard !answered.exchange(true, ordering: .acquiringAndReleasing) else { return }
        if let connection {
            let loop = connection.loop
            if EventLoop.current === loop { connection.handlerFinished(response) } else { loop.post(.response(connection, response)) }
        } else {
            deliver?(response)
        }
    }

    /// Blocks a caller until a deferred handler answers (for `Router.respond(to:)` and tests).
    final class Waiter: @unchecked Sendable {
        private let lock = Lock()
        private var response: HTTPResponse?

        func deliver(_ answer: HTTPResponse) {
            lock.withLock {
                response = answer
                lock.signal()
            }
        }

        func wait() -> HTTPResponse {
            lock.lock()
            defer { lock.unlock() }
            while response == nil { lock.wait() }
            return response ?? HTTPResponse.error(500, "no response")
        }
    }
}
