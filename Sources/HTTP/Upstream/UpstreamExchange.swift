import Daemon
import Glibc

/// One request on one connection, up to the response head: drives `UpstreamRequestWriter` and
/// `HTTPResponseHeadParser` with blocking, deadline-bounded socket calls, then hands the
/// connection to an `UpstreamResponseBody` that reads the rest on demand.
struct UpstreamExchange {
    enum Result {
        case response(UpstreamResponseHead, UpstreamResponseBody)
        /// `beforeResponse`: no response byte arrived and the failure was not a timeout, so an
        /// idempotent request may be sent again.
        case failed(UpstreamFailure, beforeResponse: Bool)
    }

    let connection: UpstreamConnection
    let address: UpstreamAddress
    let configuration: UpstreamConfiguration
    let pool: UpstreamConnectionPool

    func run(_ request: UpstreamRequestWriter, method: String) -> Result {
        var writer = request
        do {
            try write(&writer)
        } catch UpstreamIOError.timedOut {
            let limit = UpstreamFailure.describe(seconds: configuration.idleTimeout)
            return .failed(.timedOut("writing the request to \(address) stalled for \(limit)"), beforeResponse: false)
        } catch let error as UpstreamIOError {
            return .failed(.unavailable("writing the request to \(address) failed: \(error.reason)"), beforeResponse: true)
        } catch {
            // The request body could not be read: sending it again would not help.
            return .failed(.unavailable("writing the request to \(address) failed: \(error)"), beforeResponse: false)
        }
        return readHead(method: method)
    }

    private func write(_ writer: inout UpstreamRequestWriter) throws {
        var buffer: [UInt8] = []
        while let segment = writer.next {
            let deadline = monotonicSeconds() + configuration.idleTimeout
            switch segment {
            case .bytes(let bytes):
                try bytes.withUnsafeBytes { try connection.write($0, until: deadline) }
                writer.wrote(bytes.count)
            case .file(let fd, let offset, let length):
                if buffer.isEmpty { buffer = [UInt8](repeating: 0, count: 64 * 1024) }
                let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, min($0.count, Int(length)), off_t(offset)) }
                guard count > 0 else {
                    throw UpstreamRequestError(count == 0 ? "the request body file ended early" : "reading the request body failed: "
                        + String(cString: strerror(errno)))
                }
                try buffer.withUnsafeBytes { try connection.write(UnsafeRawBufferPointer(rebasing: $0[0..<count]), until: deadline) }
                writer.wrote(count)
            }
        }
    }

    private func readHead(method: String) -> Result {
        let reader = UpstreamResponseReader(connection: connection, address: address, configuration: configuration,
                                            parser: HTTPResponseHeadParser(requestMethod: method, limits: configuration.responseLimits))
        let deadline = monotonicSeconds() + configuration.responseHeadTimeout
        while true {
            switch reader.fill(until: deadline, headDelivered: false) {
            case .failure(let failure):
                return .failed(failure.failure, beforeResponse: failure.retryable && !reader.parser.receivedAnyByte)
            case .success:
                break
            }
            while let event = reader.events.popFirst() {
                if case .head(let head) = event {
                    return .response(head, UpstreamResponseBody(reader: reader, pool: pool))
                }
            }
        }
    }
}

/// The parser and buffered events of one response on one connection.
final class UpstreamResponseReader {
    struct Failure: Error {
        var failure: UpstreamFailure
        var retryable: Bool
    }

    let connection: UpstreamConnection
    let address: UpstreamAddress
    let configuration: UpstreamConfiguration
    var parser: HTTPResponseHeadParser
    var events: ArraySlice<UpstreamResponseEvent> = []
    /// Not zeroed: only what `recv` wrote is ever read.
    private var buffer = [UInt8](unsafeUninitializedCapacity: 64 * 1024) { _, count in count = 64 * 1024 }

    init(connection: UpstreamConnection, address: UpstreamAddress, configuration: UpstreamConfiguration,
         parser: HTTPResponseHeadParser) {
        self.connection = connection
        self.address = address
        self.configuration = configuration
        self.parser = parser
    }

    /// Reads once (waiting until `deadline`) and queues what the parser found.
    func fill(until deadline: Double, headDelivered: Bool) -> Result<Void, Failure> {
        do {
            let count = try buffer.withUnsafeMutableBytes {
                try connection.read(into: $0, until: deadline, waitFirst: !parser.receivedAnyByte)
            }
            let found = count == 0
                ? try parser.finish()
                : try buffer.withUnsafeBytes { try parser.feed(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            events.append(contentsOf: found)
            return .success(())
        } catch {
            return .failure(Self.failure(error, address: address, configuration: configuration, headDelivered: headDelivered))
        }
    }

    /// What a read or parse error means for the client, and whether the request may be sent again.
    static func failure(_ error: Error, address: UpstreamAddress, configuration: UpstreamConfiguration,
                        headDelivered: Bool) -> Failure {
        func failed(_ failure: UpstreamFailure, retryable: Bool = false) -> Failure {
            Failure(failure: failure, retryable: retryable)
        }
        switch error {
        case UpstreamIOError.timedOut:
            if !headDelivered {
                let limit = UpstreamFailure.describe(seconds: configuration.responseHeadTimeout)
                return failed(.timedOut("no response head from \(address) within \(limit)"))
            }
            let limit = UpstreamFailure.describe(seconds: configuration.idleTimeout)
            return failed(.timedOut("the response body from \(address) stalled for \(limit)"))
        case let error as UpstreamIOError:
            return failed(.unavailable("reading the response from \(address) failed: \(error.reason)"), retryable: true)
        case UpstreamParseError.closedBeforeResponse:
            return failed(.unavailable("\(address) closed the connection before responding"), retryable: true)
        case let error as UpstreamParseError:
            if case .truncated = error {
                return failed(.unavailable("\(address) \(error)"))
            }
            return failed(UpstreamFailure(kind: .invalidResponse, message: "upstream sent an invalid response: \(error)"))
        default:
            return failed(.unavailable("reading the response from \(address) failed: \(error)"))
        }
    }
}
