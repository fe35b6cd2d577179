import Glibc
import Postgres
import TestSupport
import XCTest

/// What the end-to-end tests share: where the built executables are, a migrated database of
/// their own, and small helpers to talk to the daemons.
enum StackFixture {
    /// The release binaries when `make test` built them (STOCKROOM_RELEASE_BIN), else the debug build.
    static var binaryDirectory: String {
        if let release = getenv("STOCKROOM_RELEASE_BIN") { return String(cString: release) }
        return BuiltExecutable.productsDirectory
    }

    /// Sends one HTTP/1.1 request to 127.0.0.1:`port` and returns the whole response (the server closes).
    static func get(port: Int, path: String, timeout: Double = 10) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var time = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw BuiltExecutable.Failure(description: "connect to port \(port): \(String(cString: strerror(errno)))") }
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            response.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: response, as: UTF8.self)
    }

    /// Pids of live processes whose environment or command line mentions `marker`.
    static func processes(mentioning marker: String) -> [pid_t] {
        guard let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        var found: [pid_t] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            guard let pid = pid_t(name), pid != getpid() else { continue }
            for file in ["environ", "cmdline"] {
                let fd = open("/proc/\(pid)/\(file)", O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else { continue }
                var content: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 8192)
                while true {
                    let count = read(fd, &buffer, buffer.count)
                    if count <= 0 { break }
                    content.append(contentsOf: buffer[0..<count])
                }
                close(fd)
                if String(decoding: content.map { $0 == 0 ? 10 : $0 }, as: UTF8.self).contains(marker) {
                    found.append(pid)
                    break
                }
            }
        }
        return found
    }
}
