import Daemon

/// The body of an upstream response, read from the upstream connection only when asked for, so a
/// large body passes through without being held in memory. At the end of the body the connection
/// goes back to the pool (if the upstream allows reuse); after an error, or if the body is dropped
/// before its end, the connection is closed.
///
/// Use from one thread at a time; `next()` blocks (within the client's idle timeout).
public final class UpstreamResponseBody: HTTPBodyStream, @unchecked Sendable {
    private var reader: UpstreamResponseReader?
    private let pool: UpstreamConnectionPool

    init(reader: UpstreamResponseReader, pool: UpstreamConnectionPool) {
        self.reader = reader
        self.pool = pool
    }

    /// Whether the whole body was read (or failed): the connection is no longer held.
    public var isFinished: Bool { reader == nil }

    /// The next piece of the body (with any chunked framing removed), or nil at its end.
    /// Throws `UpstreamFailure` if the upstream fails, stalls or sends a malformed body; the
    /// connection is then closed, and a client response already under way must be cut off.
    public func next() throws -> [UInt8]? {
        guard let reader else { return nil }
        while true {
            while let event = reader.events.popFirst() {
                switch event {
                case .head:
                    continue
                case .body(let bytes):
                    if !bytes.isEmpty { return bytes }
                case .end:
                    finish(reusable: reader.parser.keepAlive)
                    return nil
                }
            }
            let deadline = monotonicSeconds() + reader.configuration.idleTimeout
            if case .failure(let failure) = reader.fill(until: deadline, headDelivered: true) {
                finish(reusable: false)
                throw failure.failure
            }
        }
    }

    /// The rest of the body in memory; throws `UpstreamFailure` as `next()` does.
    public func readAll(capacity: Int = 0) throws -> [UInt8] {
        var all: [UInt8] = []
        all.reserveCapacity(capacity)
        while let piece = try next() {
            if all.isEmpty && capacity == 0 { all = piece } else { all.append(contentsOf: piece) }
        }
        return all
    }

    /// Stops reading: the connection is closed, since the rest of the body is still on it.
    public func cancel() { finish(reusable: false) }

    private func finish(reusable: Bool) {
        guard let done = reader else { return }
        reader = nil
        if reusable { pool.checkin(done.connection, now: monotonicSeconds()) }
    }
}
