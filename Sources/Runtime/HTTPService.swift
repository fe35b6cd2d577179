import Daemon
import HTTP

/// An `HTTPServer` run as a `DaemonService`: its loops ping the watchdog, its requests go to the
/// access log, and SIGTERM drains it.
public final class HTTPService: DaemonService {
    public let name: String
    private let server: HTTPServer

    public init(name: String, listener: Int32, router: Router, settings: HTTPSettings, context: DaemonContext) {
        self.name = name
        server = HTTPServer(listeningSocket: listener, router: router, configuration: settings.server)
        let watchdog = context.watchdog
        let participants = (0..<settings.server.loops).map { watchdog.register("\(name)-loop-\($0)") }
        server.onLoopAlive = { watchdog.alive(participants[$0]) }
        if settings.accessLog {
            let logger = context.logger
            server.onAccessLog = { record in
                logger.info("\(record.method) \(record.path) \(record.status)", [
                    "REQUEST_ID": record.requestID,
                    "METHOD": record.method,
                    "PATH": record.path,
                    "STATUS": String(record.status),
                    "BYTES": String(record.bytes),
                    "DURATION_USEC": String(record.durationMicroseconds),
                    "REMOTE_ADDR": record.remoteAddress,
                ])
            }
        }
    }

    public func start() throws {}

    public func run() throws { try server.run() }

    public func beginShutdown() { server.beginShutdown() }
}
