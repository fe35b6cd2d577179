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
        private let mutex = PThreadMutex()
        private let condition = Condition()
        private var response: HTTPResponse?

        func deliver(_ answer: HTTPResponse) {
            mutex.withLock {
                response = answer
                condition.signal()
            }
        }

        func wait() -> HTTPResponse {
            mutex.lock()
            defer { mutex.unlock() }
            while response == nil { condition.wait(mutex) }
            return response ?? HTTPResponse.error(500, "no response")
        }
    }
}
