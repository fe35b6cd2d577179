import CShim
import Glibc

/// A unix datagram socket bound at `path`, on which one daemon sends its `sd_notify` messages.
final class NotifySocket {
    let path: String
    let fd: Int32

    /// Binds a fresh socket at `path`, replacing a stale one left by a crashed run.
    init(path: String) throws {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else {
            throw SupervisorError("notify socket path \(path) is longer than \(capacity - 1) bytes: choose a shorter runtime directory")
        }
        let fd = shim_socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 1)
        guard fd >= 0 else { throw SupervisorError.system("socket(AF_UNIX, SOCK_DGRAM) for \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (offset, byte) in path.utf8.enumerated() { raw[offset] = byte }
        }
        unlink(path)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else {
            let error = SupervisorError.system("bind \(path)")
            close(fd)
            throw error
        }
        self.path = path
        self.fd = fd
    }

    /// Every datagram waiting on the socket.
    func receiveAll() -> [NotifyMessage] {
        var messages: [NotifyMessage] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count < 0 {
                if errno == EINTR { continue }
                return messages
            }
            messages.append(NotifyMessage(parsing: String(decoding: buffer[..<count], as: UTF8.self)))
        }
    }

    deinit {
        close(fd)
        unlink(path)
    }
}
