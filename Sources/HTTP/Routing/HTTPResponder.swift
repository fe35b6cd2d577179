import Daemon
import Synchronization

/// How a `.deferred` handler hands its response to the engine: `respond` once, from any thread.
public final class HTTPResponder: @unchecked Sendable {
    private let deliver: (HTTPResponse) -> Void
    private let answered = Atomic<Bool>(false)

    init(_ deliver: @escaping (HTTPResponse) -> Void) {
        self.deliver = deliver
    }

    /// Sends `response` to the client; calls after the first are ignored.
    public func respond(_ response: HTTPResponse) {
        guard !answered.exchange(true, ordering: .acquiringAndReleasing) else { return }
        deliver(response)
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
