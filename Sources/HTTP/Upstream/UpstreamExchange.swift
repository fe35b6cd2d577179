import Glibc

/// One request and its response on one connection: drives `UpstreamRequestWriter` and
/// `HTTPResponseHeadParser` with blocking, deadline-bounded socket calls.
struct UpstreamExchange {
    enum Result {
        case completed(UpstreamResponseHead, reusable: Bool)
        /// `beforeResponse`: no response byte arrived and the failure was not a timeout, so an
        /// idempotent request may be sent again.
        case failed(UpstreamFailure, beforeResponse: Bool, headDelivered: Bool)
    }

    let connection: UpstreamConnection
    let address: UpstreamAddress
    let configuration: UpstreamConfiguration

    func run(_ request: UpstreamRequestWriter, method: String, onHead: (UpstreamResponseHead) -> Void,
             onBody: ([UInt8]) -> Bool) -> Result {
        var writer = request
        do {
            try write(&writer)
        } catch UpstreamIOError.timedOut {
            let limit = UpstreamFailure.describe(seconds: configuration.idleTimeout)
            return .failed(.timedOut("writing the request to \(address) stalled for \(limit)"),
                           beforeResponse: false, headDelivered: false)
        } catch let error as UpstreamIOError {
            return .failed(.unavailable("writing the request to \(address) failed: \(error.reason)"),
                           beforeResponse: true, headDelivered: false)
        } catch {
            // The request body could not be read: sending it again would not help.
            return .failed(.unavailable("writing the request to \(address) failed: \(error)"),
                           beforeResponse: false, headDelivered: false)
        }
        return read(method: method, onHead: onHead, onBody: onBody)
    }

    private func write(_ writer: inout UpstreamRequestWriter) throws {
        var buffer: [UInt8] = []
        while let segment = writer.next {
            let deadline = SteadyClock.now() + configuration.idleTimeout
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

    private func read(method: String, onHead: (UpstreamResponseHead) -> Void, onBody: ([UInt8]) -> Bool) -> Result {
        var parser = HTTPResponseHeadParser(requestMethod: method, limits: configuration.responseLimits)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let headDeadline = SteadyClock.now() + configuration.responseHeadTimeout
        var delivered: UpstreamResponseHead?
        func failed(_ failure: UpstreamFailure, retryable: Bool = false) -> Result {
            .failed(failure, beforeResponse: retryable && !parser.receivedAnyByte, headDelivered: delivered != nil)
        }
        while true {
            let events: [UpstreamResponseEvent]
            do {
                let deadline = delivered == nil ? headDeadline : SteadyClock.now() + configuration.idleTimeout
                let count = try buffer.withUnsafeMutableBytes { try connection.read(into: $0, until: deadline) }
                events = count == 0
                    ? try parser.finish()
                    : try buffer.withUnsafeBytes { try parser.feed(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            } catch UpstreamIOError.timedOut {
                if delivered == nil {
                    let limit = UpstreamFailure.describe(seconds: configuration.responseHeadTimeout)
                    return failed(.timedOut("no response head from \(address) within \(limit)"))
                }
                let limit = UpstreamFailure.describe(seconds: configuration.idleTimeout)
                return failed(.timedOut("the response body from \(address) stalled for \(limit)"))
            } catch let error as UpstreamIOError {
                return failed(.unavailable("reading the response from \(address) failed: \(error.reason)"), retryable: true)
            } catch UpstreamParseError.closedBeforeResponse {
                return failed(.unavailable("\(address) closed the connection before responding"), retryable: true)
            } catch let error as UpstreamParseError {
                if case .truncated = error {
                    return failed(.unavailable("\(address) \(error)"))
                }
                return failed(UpstreamFailure(kind: .invalidResponse, message: "upstream sent an invalid response: \(error)"))
            } catch {
                return failed(.unavailable("reading the response from \(address) failed: \(error)"))
            }
            for event in events {
                switch event {
                case .head(let head):
                    delivered = head
                    onHead(head)
                case .body(let bytes):
                    if !onBody(bytes) {
                        return failed(UpstreamFailure(kind: .cancelled, message: "forwarding from \(address) cancelled by the client"))
                    }
                case .end:
                    guard let head = delivered else { continue }
                    return .completed(head, reusable: parser.keepAlive)
                }
            }
        }
    }
}
