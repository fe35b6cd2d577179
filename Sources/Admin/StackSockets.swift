import Daemon
import Glibc

/// The listening sockets of a development stack, bound once by `stockroom run` and kept open
/// across daemon restarts, as systemd keeps its `.socket` units open.
struct StackSockets {
    struct Entry {
        let name: String
        let executable: String
        let sockets: [(name: String, fd: Int32)]
    }

    let daemons: [Entry]
    let webPath: String

    init(address: ListenAddress, runtimeDirectory: String, workers: Int) throws {
        webPath = runtimeDirectory + "/web.sock"
        var entries: [Entry] = []
        var bound: [Int32] = []
        func bind(_ address: ListenAddress) throws -> Int32 {
            let fd = try bindListeningSocket(address)
            bound.append(fd)
            return fd
        }
        do {
            entries.append(Entry(name: "proxy", executable: "stockroom-proxy", sockets: [("http", try bind(address))]))
            entries.append(Entry(name: "web", executable: "stockroom-web", sockets: [("web", try bind(.unix(path: webPath)))]))
            for instance in 1...workers {
                let name = workers == 1 ? "worker" : "worker\(instance)"
                let control = try bind(.unix(path: runtimeDirectory + "/worker-\(instance).sock"))
                entries.append(Entry(name: name, executable: "stockroom-worker", sockets: [("control", control)]))
            }
            let warmer = try bind(.unix(path: runtimeDirectory + "/warmer.sock"))
            entries.append(Entry(name: "warmer", executable: "stockroom-warmer", sockets: [("control", warmer)]))
        } catch {
            bound.forEach { _ = Glibc.close($0) }
            throw error
        }
        daemons = entries
    }

    func close() {
        for entry in daemons {
            for socket in entry.sockets { _ = Glibc.close(socket.fd) }
        }
    }
}
