import Daemon
import CShim
import Glibc

/// One accepted socket: the I/O shell around `HTTPConnectionStateMachine` and `HTTPRequestParser`.
/// Lives on one event loop; only that loop's thread touches it.
final class Connection {
    let fd: Int32
    // The loop owns its connections and outlives them.
    unowned(unsafe) let loop: EventLoop
    let remoteAddress: String
    // Every property is touched only by the loop's thread and never by two overlapping accesses:
    // run-time exclusivity checks (about 500 instructions a request) would buy nothing.
    @exclusivity(unchecked) var machine = HTTPConnectionStateMachine()
    @exclusivity(unchecked) var parser: HTTPRequestParser
    /// Received bytes not parsed yet (a partial or pipelined request).
    @exclusivity(unchecked) var pending: [UInt8] = []
    /// The socket may have bytes to read (edge-triggered: set by EPOLLIN, cleared by a short read).
    @exclusivity(unchecked) var readable = false
    /// epoll reported that the peer hung up: reading goes on until EOF.
    @exclusivity(unchecked) var hangupSeen = false
    /// The connection waits in the loop's list of deferred reads.
    @exclusivity(unchecked) var readDeferred = false
    @exclusivity(unchecked) var closed = false
    /// The response is written and our side shut down; reading and discarding until EOF.
    @exclusivity(unchecked) var lingering = false
    @exclusivity(unchecked) var inProcess = false
    /// EPOLLOUT is in this socket's epoll registration.
    @exclusivity(unchecked) var watchingWritable = false
    @exclusivity(unchecked) var handlerRunning = false

    @exclusivity(unchecked) var timerStart: UInt64
    @exclusivity(unchecked) var seenGeneration = -1
    @exclusivity(unchecked) var seenTimer: HTTPConnectionTimer?

    // The request being read or handled.
    @exclusivity(unchecked) var head: HTTPRequestHead?
    @exclusivity(unchecked) var requestStart: UInt64 = 0
    @exclusivity(unchecked) var bodyBytes: [UInt8] = []
    @exclusivity(unchecked) var bodyFD: Int32 = -1
    @exclusivity(unchecked) var bodyPath: String?
    @exclusivity(unchecked) var bodyLength = 0
    @exclusivity(unchecked) var logMethod = ""
    @exclusivity(unchecked) var logPath = ""
    @exclusivity(unchecked) var requestID = ""

    // The response being written.
    @exclusivity(unchecked) var out: [UInt8] = []
    @exclusivity(unchecked) var outOffset = 0
    @exclusivity(unchecked) var bodyOut: [UInt8] = []
    @exclusivity(unchecked) var bodyOutOffset = 0
    @exclusivity(unchecked) var file: HTTPFileRegion?
    @exclusivity(unchecked) var fileOffset = 0
    @exclusivity(unchecked) var fileEnd = 0
    @exclusivity(unchecked) var stream: HTTPBodyStream?
    @exclusivity(unchecked) var streamChunked = false
    @exclusivity(unchecked) var streamWaiting = false
    @exclusivity(unchecked) var streamEnded = false
    @exclusivity(unchecked) var responseStatus = 0
    @exclusivity(unchecked) var responseBytes = 0

    init(fd: Int32, loop: EventLoop, remoteAddress: String) {
        self.fd = fd
        self.loop = loop
        self.remoteAddress = remoteAddress
        parser = HTTPRequestParser(limits: loop.parserLimits)
        timerStart = loop.now
        syncTimer()
    }

    // MARK: - Events from epoll

    func handle(events: UInt32) {
        if events & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
            readable = true
            if events & (EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 { hangupSeen = true }
            onReadable()
        }
        if !closed && events & EPOLLOUT.rawValue != 0 && isWriting {
            flushWrites()
        }
        if !closed { syncTimer() }
    }

    var isWriting: Bool {
        if case .writing = machine.state { return true }
        return false
    }

    var isBusy: Bool {
        switch machine.state {
        case .handling, .writing, .closed: return true
        default: return false
        }
    }

    func onReadable() {
        let scratch = loop.scratch
        var discarded = 0
        var reads = 0
        while readable && !closed {
            if lingering {
                // Discard what the client still sends, a bounded amount per event so that a client
                // that never stops cannot hold the loop; the linger timeout ends it.
                if discarded >= 16 { return }
                let n = recv(fd, scratch.baseAddress, scratch.count, 0)
                if n > 0 { discarded += 1; continue }
                if n < 0 && errno == EINTR { continue }
                if n < 0 && errno == EAGAIN { readable = false; return }
                close()
                return
            }
            // While a request is handled, keep at most a bounded amount of what follows it.
            if isBusy && pending.count >= 2 * scratch.count { return }
            // A client that keeps the socket full gets a turn, then the other connections get theirs.
            if reads >= 8 {
                deferReading()
                return
            }
            reads += 1
            let n = recv(fd, scratch.baseAddress, scratch.count, 0)
            if n > 0 {
                // A short read drained the socket: the next edge says when there is more. After a
                // hang-up no edge will come, so read on until EOF.
                if n < scratch.count && !hangupSeen { readable = false }
                input(UnsafeRawBufferPointer(start: scratch.baseAddress, count: n))
            } else if n == 0 {
                readable = false
                if machine.peerClosedConnection() == .close { close() }
                return
            } else {
                let code = errno
                if code == EINTR { continue }
                readable = false
                if code != EAGAIN {
                    _ = machine.socketFailed()
                    close()
                }
                return
            }
        }
    }

    /// Asks the loop to continue reading this socket after the other ready connections.
    func deferReading() {
        guard !readDeferred else { return }
        readDeferred = true
        loop.deferredReads.append(self)
    }

    /// The loop's turn came back to a socket whose reading was deferred.
    func resumeDeferredReading() {
        readDeferred = false
        guard !closed else { return }
        if readable { onReadable() }
        if !closed { syncTimer() }
    }

    func input(_ bytes: UnsafeRawBufferPointer) {
        if pending.isEmpty {
            let used = process(bytes)
            if !closed && !lingering && used < bytes.count {
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[used...]))
            }
        } else {
            pending.append(contentsOf: bytes)
            processPending()
        }
    }

    func processPending() {
        guard !pending.isEmpty else { return }
        var local = pending
        pending = []
        let used = local.withUnsafeBytes { process($0) }
        if !closed && !lingering && used < local.count {
            if used > 0 { local.removeSubrange(0..<used) }
            pending = local
        }
    }

    /// Parses `buffer` as far as the state allows; returns how many bytes were used.
    func process(_ buffer: UnsafeRawBufferPointer) -> Int {
        inProcess = true
        defer { inProcess = false }
        var offset = 0
        while !closed {
            switch machine.state {
            case .handling, .writing, .closed:
                return offset
            case .awaitingRequest:
                guard offset < buffer.count else { return offset }
                _ = machine.bytesReceived()
                requestStart = loop.now
            case .readingHead, .readingBody:
                break
            }
            let rest = UnsafeRawBufferPointer(rebasing: buffer[offset...])
            let step = parser.parse(rest)
            offset += step.consumed
            switch step.event {
            case .needMore:
                return offset
            case .head(let head):
                beginRequest(head)
            case .body(let range):
                _ = machine.bodyReceived()
                appendBody(UnsafeRawBufferPointer(rebasing: rest[range]))
            case .end:
                completeRequest()
            case .error(let error):
                refuse(error)
            }
        }
        return offset
    }

    // MARK: - Reading a request

    func beginRequest(_ head: HTTPRequestHead) {
        if requestStart == 0 { requestStart = loop.now }
        self.head = head
        logMethod = head.method.rawValue
        logPath = ""
        bodyLength = 0
        let action = machine.headReceived(keepAlive: head.keepAlive, expectsContinue: head.expectsContinue)
        guard case .readBody(let sendContinue) = action else { return close() }
        if case .length(let length) = head.framing {
            if length > loop.configuration.bodyInMemoryThreshold {
                if !openBodyFile() { return }
            } else {
                bodyBytes.reserveCapacity(length)
            }
        }
        if sendContinue && head.framing != .none {
            let interim: StaticString = "HTTP/1.1 100 Continue\r\n\r\n"
            _ = send(fd, interim.utf8Start, interim.utf8CodeUnitCount, Int32(MSG_NOSIGNAL))
        }
    }

    func openBodyFile() -> Bool {
        var template = Array("\(loop.configuration.temporaryDirectory)/stockroom-body-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0, fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 else {
            failRequest(500, "cannot store the request body")
            return false
        }
        bodyFD = fd
        bodyPath = String(cString: template)
        if !bodyBytes.isEmpty {
            let ok = bodyBytes.withUnsafeBytes { writeBody($0) }
            bodyBytes = []
            return ok
        }
        return true
    }

    @discardableResult
    func writeBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var done = 0
        while done < bytes.count {
            let n = write(bodyFD, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                failRequest(500, "cannot store the request body")
                return false
            }
            done += n
        }
        return true
    }

    func appendBody(_ bytes: UnsafeRawBufferPointer) {
        bodyLength += bytes.count
        if bodyFD >= 0 {
            writeBody(bytes)
        } else {
            bodyBytes.append(contentsOf: bytes)
            if bodyBytes.count > loop.configuration.bodyInMemoryThreshold { _ = openBodyFile() }
        }
    }

    /// Answers a request that cannot be read further with `status`, and closes.
    func failRequest(_ status: Int, _ message: String) {
        switch machine.parseFailed(status: status) {
        case .writeError(let status):
            startResponse(.error(status, message), closeAfter: true)
        default:
            close()
        }
    }

    func refuse(_ error: HTTPParseError) {
        failRequest(error.status, "\(error.message) (at byte \(error.offset))")
    }

    func completeRequest() {
        guard machine.requestComplete() == .runHandler, let head else { return close() }
        let body: HTTPRequestBody
        if bodyFD >= 0 {
            Glibc.close(bodyFD)
            bodyFD = -1
            body = .file(path: bodyPath ?? "", length: bodyLength)
        } else if bodyBytes.isEmpty {
            body = .none
        } else {
            body = .bytes(bodyBytes)
            bodyBytes = []
        }
        // `*` (OPTIONS only, as the parser allows), tested on its bytes: a String comparison of
        // unequal strings takes the slow path.
        let isAsterisk = head.target.utf8.count == 1 && head.target.utf8.first == UInt8(ascii: "*")
        let (rawPath, rawQuery) = head.rawPathAndQuery
        let path: String
        if isAsterisk {
            path = "*"
        } else {
            switch HTTPPathNormalizer.normalize(rawPath) {
            case .success(let normalized):
                path = normalized
            case .failure(let error):
                logPath = String(rawPath)
                return respond(.error(error.status, "\(error.message) (at byte \(error.offset) of the path)"), forceClose: true)
            }
        }
        logPath = path
        let incomingID = head.headers.withValueBytes(lowercase: "x-request-id") { bytes -> String? in
            RequestIDGenerator.isSane(bytes) ? String(decoding: bytes, as: UTF8.self) : nil
        }
        requestID = (incomingID ?? nil) ?? loop.requestIDs.next()
        let router = loop.server.router
        // `OPTIONS *` asks about the server, not a resource: no route can match it (the parser allows `*` only there).
        if isAsterisk { return respond(router.serverOptionsResponse()) }
        let lookup = router.lookup(method: head.method, path: path)
        if case .found(let route, _) = lookup, let answer = route.headHandler { return respond(answer(head)) }
        let request = HTTPRequest(method: head.method, path: path, rawQuery: rawQuery.isEmpty ? "" : String(rawQuery),
                                  target: head.target, version: head.version, headers: head.headers, body: body,
                                  remoteAddress: remoteAddress, requestID: requestID)
        switch lookup {
        case .found(let route, let candidate):
            request.unreadPathParameters = (router, candidate)
            if route.mode == .inline {
                respond(route.handler(request))
            } else if let fastPath = route.fastPath, let response = fastPath(request) {
                respond(response)
            } else if let deferred = route.deferredHandler {
                handlerRunning = true
                deferred(request, HTTPResponder(connection: self))
            } else {
                handlerRunning = true
                let loop = self.loop
                let handler = route.handler
                loop.submit { [self] in
                    let response = handler(request)
                    loop.post(.response(self, response))
                }
            }
        default:
            respond(router.respond(to: request))
        }
    }

    /// A worker finished the handler (on the loop thread).
    func handlerFinished(_ response: HTTPResponse) {
        handlerRunning = false
        if closed {
            removeBodyFile()
            return
        }
        respond(response)
        if !closed && !inProcess {
            processPending()
            if readable && !closed && !isBusy { onReadable() }
        }
        if !closed { syncTimer() }
    }

    // MARK: - Writing a response

    func respond(_ response: HTTPResponse, forceClose: Bool = false) {
        var close = forceClose
        if case .stream = response.body, head?.version == .http1_0 { close = true }
        // A handler's own `Connection` header is not sent (the server writes the one header), but its close is kept.
        if !close && response.headers.contains(lowercase: "connection") && response.headers.containsToken("close", in: "Connection") {
            close = true
        }
        guard case .writeResponse(let closeAfter) = machine.responseReady(closeConnection: close) else { return self.close() }
        startResponse(response, closeAfter: closeAfter)
    }

    func startResponse(_ response: HTTPResponse, closeAfter: Bool) {
        responseStatus = response.status
        responseBytes = 0
        out.removeAll(keepingCapacity: true)
        outOffset = 0
        let version = head?.version ?? .http1_1
        let status = response.status
        let bodyAllowed = head?.method != .HEAD && status >= 200 && status != 204 && status != 304
        let chunked = HTTPResponseHead.write(response, version: version, keepAlive: !closeAfter, date: loop.dateCache.current(),
                                             bodyAllowed: bodyAllowed, into: &out)
        if bodyAllowed {
            switch response.body {
            case .empty:
                break
            case .bytes(let bytes):
                if bytes.count <= 32 * 1024 {
                    out.append(contentsOf: bytes)
                } else {
                    bodyOut = bytes
                    bodyOutOffset = 0
                }
            case .file(let region):
                file = region
                fileOffset = region.offset
                fileEnd = region.offset + region.length
            case .stream(let body):
                stream = body
                streamChunked = chunked
                streamEnded = false
                streamWaiting = false
            }
        }
        flushWrites()
    }

    func flushWrites() {
        while !closed {
            if outOffset < out.count || bodyOutOffset < bodyOut.count {
                let written: Int
                if bodyOutOffset < bodyOut.count {
                    written = out.withUnsafeBytes { head in
                        bodyOut.withUnsafeBytes { body in
                            var vectors = (
                                iovec(iov_base: UnsafeMutableRawPointer(mutating: head.baseAddress! + outOffset), iov_len: head.count - outOffset),
                                iovec(iov_base: UnsafeMutableRawPointer(mutating: body.baseAddress! + bodyOutOffset), iov_len: body.count - bodyOutOffset))
                            return withUnsafeMutableBytes(of: &vectors) { raw in
                                var message = msghdr()
                                message.msg_iov = raw.baseAddress!.assumingMemoryBound(to: iovec.self)
                                message.msg_iovlen = 2
                                return sendmsg(fd, &message, Int32(MSG_NOSIGNAL))
                            }
                        }
                    }
                } else {
                    // A head followed by a file waits for the file's first bytes (as TCP_CORK would):
                    // one segment instead of a small one for the head alone.
                    let flags = file != nil && fileOffset < fileEnd ? Int32(MSG_NOSIGNAL) | Int32(MSG_MORE) : Int32(MSG_NOSIGNAL)
                    written = out.withUnsafeBytes { send(fd, $0.baseAddress! + outOffset, $0.count - outOffset, flags) }
                }
                if written < 0 {
                    let code = errno
                    if code == EINTR { continue }
                    if code == EAGAIN { return waitForWritable() }
                    _ = machine.socketFailed()
                    return close()
                }
                machine.writeProgressed()
                responseBytes += written
                let fromHead = min(written, out.count - outOffset)
                outOffset += fromHead
                bodyOutOffset += written - fromHead
                continue
            }
            if let region = file, fileOffset < fileEnd {
                var offset = off_t(fileOffset)
                let sent = sendfile(fd, region.fd, &offset, min(fileEnd - fileOffset, 1 << 20))
                if sent < 0 {
                    let code = errno
                    if code == EINTR { continue }
                    if code == EAGAIN { return waitForWritable() }
                    _ = machine.socketFailed()
                    return close()
                }
                if sent == 0 {
                    // The file shrank under us: the promised length cannot be sent.
                    _ = machine.socketFailed()
                    return close()
                }
                machine.writeProgressed()
                fileOffset += sent
                responseBytes += sent
                continue
            }
            if stream != nil && !streamEnded {
                if !streamWaiting { requestStreamChunk() }
                return
            }
            return finishResponse()
        }
    }

    /// Asks epoll for EPOLLOUT (edge-triggered) from now on; the edge comes when the socket drains.
    func waitForWritable() {
        guard !watchingWritable else { return }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLOUT.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue
        event.data.fd = fd
        if epoll_ctl(loop.epollFD, EPOLL_CTL_MOD, fd, &event) == 0 {
            watchingWritable = true
        } else {
            _ = machine.socketFailed()
            close()
        }
    }

    func requestStreamChunk() {
        guard let body = stream else { return }
        streamWaiting = true
        let loop = self.loop
        loop.submit { [self] in
            do {
                let chunk = try body.next()
                loop.post(.streamChunk(self, chunk, failed: false))
            } catch {
                loop.post(.streamChunk(self, nil, failed: true))
            }
        }
    }

    func streamChunkArrived(_ chunk: [UInt8]?, failed: Bool) {
        guard !closed else { return }
        streamWaiting = false
        if failed {
            // Part of the response is out already: closing is the only honest end.
            _ = machine.socketFailed()
            return close()
        }
        out.removeAll(keepingCapacity: true)
        outOffset = 0
        if let chunk {
            if !chunk.isEmpty {
                if streamChunked {
                    HTTPResponseHead.appendHex(chunk.count, into: &out)
                    out.append(contentsOf: "\r\n" as StaticString)
                    out.append(contentsOf: chunk)
                    out.append(contentsOf: "\r\n" as StaticString)
                } else {
                    out.append(contentsOf: chunk)
                }
            }
        } else {
            streamEnded = true
            if streamChunked { out.append(contentsOf: "0\r\n\r\n" as StaticString) }
        }
        flushWrites()
        if !closed { syncTimer() }
    }

    func finishResponse() {
        if let log = loop.server.onAccessLog {
            let elapsed = loop.now >= requestStart && requestStart != 0 ? Int((monotonicNanoseconds() - requestStart) / 1000) : 0
            log(AccessLogRecord(method: logMethod.isEmpty ? "-" : logMethod, path: logPath.isEmpty ? "-" : logPath,
                                status: responseStatus, bytes: responseBytes, durationMicroseconds: elapsed,
                                requestID: requestID, remoteAddress: remoteAddress, loop: loop.index))
        }
        removeBodyFile()
        bodyOut = []
        file = nil
        stream = nil
        head = nil
        requestStart = 0
        requestID = ""
        logPath = ""
        logMethod = ""
        if out.capacity > 256 * 1024 { out = [] }
        switch machine.writeFinished() {
        case .close:
            return lingeringClose()
        default:
            if !inProcess {
                processPending()
                if readable && !closed && !isBusy { onReadable() }
            }
        }
    }

    // MARK: - Timers, drain, close

    func syncTimer() {
        let timer = machine.timer
        if machine.timerGeneration != seenGeneration || timer != seenTimer {
            seenGeneration = machine.timerGeneration
            seenTimer = timer
            timerStart = loop.now
        }
    }

    func checkTimer() {
        if lingering {
            if loop.now &- timerStart >= loop.lingerTimeout { close() }
            return
        }
        syncTimer()
        guard let timer = machine.timer, loop.now &- timerStart >= loop.timeout(timer) else { return }
        if machine.timedOut(timer) == .close { close() }
    }

    func shutdownRequested() {
        if lingering { return }
        if machine.shutdownRequested() == .close { return close() }
        syncTimer()
    }

    /// Shuts our side down after the last response and reads until the peer closes (or a short
    /// timeout), so that unread request bytes do not make the kernel reset the connection before
    /// the client has read the response.
    func lingeringClose() {
        guard !closed else { return }
        shutdown(fd, Int32(SHUT_WR))
        lingering = true
        timerStart = loop.now
        pending = []
        // Inside process() the shared receive buffer is still being parsed: the read loop that
        // called it drains the socket once it returns.
        if readable && !inProcess { onReadable() }
    }

    func removeBodyFile() {
        if bodyFD >= 0 {
            Glibc.close(bodyFD)
            bodyFD = -1
        }
        if let path = bodyPath {
            unlink(path)
            bodyPath = nil
        }
        bodyBytes = []
    }

    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(fd)
        if !handlerRunning { removeBodyFile() }
        file = nil
        stream = nil
        pending = []
        loop.connectionClosed(self)
    }
}
