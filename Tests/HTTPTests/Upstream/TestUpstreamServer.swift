import CShim
import Dispatch
import Foundation
import Glibc
import Synchronization
import XCTest
@testable import HTTP

/// A small HTTP/1.1 server for the upstream client's tests, listening on a unix socket and on a
/// loopback TCP port, answering canned responses by path:
/// `/hello` (keep-alive, Content-Length), `/chunked`, `/close` (close-delimited), `/slow` (head after
/// 1.5 s), `/stall-body` (3 of 10 body bytes, then silence), `/echo` (the request head and body back), `/big` (5 MiB), `/hop` (hop-by-hop response
/// fields), `/hangup-after` (answers, then closes the idle connection), `/drop-second` (closes
/// without answering the second request on a connection), `/bad` (a malformed response).
final class TestUpstreamServer: @unchecked Sendable {
    static let bigSize = 5 * 1024 * 1024

    let unixPath: String
    private(set) var tcpPort: UInt16 = 0
    private let listeners: [Int32]
    private let accepted = Mutex(0)
    private let requests = Mutex([String]())
    private let group = DispatchGroup()

    var acceptedConnections: Int { accepted.withLock { $0 } }
    var receivedRequestHeads: [String] { requests.withLock { $0 } }

    init(directory: String) throws {
        let unixPath = directory + "/upstream.sock"
        self.unixPath = unixPath
        unlink(unixPath)
        let unixFD = shim_socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var unixAddress = sockaddr_un()
        unixAddress.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &unixAddress.sun_path) { raw in
            for (index, byte) in unixPath.utf8.enumerated() { raw[index] = byte }
        }
        let unixBound = withUnsafePointer(to: &unixAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(unixFD, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        let tcpFD = shim_socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(tcpFD, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var tcpAddress = sockaddr_in()
        tcpAddress.sin_family = sa_family_t(AF_INET)
        tcpAddress.sin_addr.s_addr = inet_addr("127.0.0.1")
        tcpAddress.sin_port = 0
        let tcpBound = withUnsafePointer(to: &tcpAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(tcpFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard unixBound == 0, tcpBound == 0, listen(unixFD, 64) == 0, listen(tcpFD, 64) == 0 else {
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &tcpAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(tcpFD, $0, &length) }
        }
        tcpPort = UInt16(bigEndian: tcpAddress.sin_port)
        listeners = [unixFD, tcpFD]
        for listener in listeners {
            group.enter()
            Thread.detachNewThread { [self] in
                acceptLoop(listener)
                group.leave()
            }
        }
    }

    /// Stops accepting and waits for the accept threads.
    func stop() {
        for listener in listeners { shutdown(listener, Int32(SHUT_RDWR)) }
        group.wait()
        for listener in listeners { close(listener) }
        unlink(unixPath)
    }

    private func acceptLoop(_ listener: Int32) {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                return
            }
            accepted.withLock { $0 += 1 }
            Thread.detachNewThread { [self] in
                serve(fd)
                close(fd)
            }
        }
    }

    private func serve(_ fd: Int32) {
        var buffered: [UInt8] = []
        var served = 0
        while let (head, body) = readRequest(fd, &buffered) {
            served += 1
            requests.withLock { $0.append(head) }
            let target = head.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
            let path = String(target.split(separator: "?", omittingEmptySubsequences: false)[0])
            switch path {
            case "/hello":
                let isHead = head.hasPrefix("HEAD ")
                send(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n" + (isHead ? "" : "hello"))
            case "/chunked":
                send(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n")
                usleep(20_000)
                send(fd, "5;ext=1\r\npedia\r\n0\r\nX-Trailer: t\r\n\r\n")
            case "/close":
                send(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close")
                return
            case "/slow":
                usleep(1_500_000)
                send(fd, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nslow")
            case "/echo":
                send(fd, "HTTP/1.1 200 OK\r\nContent-Length: \(head.utf8.count + body.count)\r\n\r\n")
                send(fd, head)
                sendBytes(fd, body)
            case "/big":
                send(fd, "HTTP/1.1 200 OK\r\nContent-Length: \(Self.bigSize)\r\n\r\n")
                let block = (0..<65_536).map { UInt8(truncatingIfNeeded: $0 % 251) }
                for _ in 0..<(Self.bigSize / block.count) { sendBytes(fd, block) }
            case "/stall-body":
                send(fd, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
                usleep(1_500_000)
                return
            case "/hop":
                send(fd, "HTTP/1.1 200 OK\r\nConnection: X-Private\r\nKeep-Alive: timeout=5\r\nX-Private: 1\r\n"
                    + "Proxy-Authenticate: Basic\r\nX-Public: 2\r\nContent-Length: 2\r\n\r\nok")
            case "/hangup-after":
                send(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                usleep(20_000)
                return
            case "/drop-second":
                if served == 2 { return }
                send(fd, "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nanswer\(served)")
            case "/bad":
                send(fd, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx")
            default:
                send(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            }
        }
    }

    /// Reads one request head (and a Content-Length body); nil at end of stream.
    private func readRequest(_ fd: Int32, _ buffered: inout [UInt8]) -> (String, [UInt8])? {
        let terminator: [UInt8] = [13, 10, 13, 10]
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let end = firstRange(of: terminator, in: buffered) {
                let head = String(decoding: buffered[..<end], as: UTF8.self)
                let lengthLine = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                let length = lengthLine.flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                while buffered.count < end + 4 + length {
                    let count = recv(fd, &chunk, chunk.count, 0)
                    if count <= 0 { return nil }
                    buffered += chunk[0..<count]
                }
                let body = Array(buffered[(end + 4)..<(end + 4 + length)])
                buffered.removeFirst(end + 4 + length)
                return (head + "\r\n\r\n", body)
            }
            let count = recv(fd, &chunk, chunk.count, 0)
            if count <= 0 { return nil }
            buffered += chunk[0..<count]
        }
    }

    private func firstRange(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }

    private func send(_ fd: Int32, _ text: String) { sendBytes(fd, Array(text.utf8)) }

    private func sendBytes(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return }
            offset += sent
        }
    }
}

/// Tests against a fresh `TestUpstreamServer` (serving a `StaticTestTree`) on a unix socket and on TCP.
class UpstreamServerTestCase: XCTestCase {
    private(set) var directory: StaticTestTree!
    private(set) var server: TestUpstreamServer!

    override func setUpWithError() throws {
        try super.setUpWithError()
        directory = try StaticTestTree()
        server = try TestUpstreamServer(directory: directory.path)
    }

    override func tearDown() {
        server.stop()
        super.tearDown()
    }

    var unixAddress: UpstreamAddress { .unix(path: server.unixPath) }
    var tcpAddress: UpstreamAddress { .tcp(host: "127.0.0.1", port: server.tcpPort) }
}
