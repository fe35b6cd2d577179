import Daemon
import Glibc
import HTTP

/// The HTTP engine's limits and timeouts from the configuration (keys `http_*`).
public struct HTTPSettings {
    public var server: HTTPServerConfiguration
    /// Whether each answered request is logged (key `access_log`).
    public var accessLog: Bool

    public init(_ configuration: Configuration) throws {
        var server = HTTPServerConfiguration()
        server.maxHeaderBytes = try configuration.byteSize("http_max_header_bytes", default: server.maxHeaderBytes)
        server.maxHeaderCount = try configuration.int("http_max_header_count", default: server.maxHeaderCount, range: 1...10000)
        server.maxRequestLineBytes = try configuration.byteSize("http_max_request_line_bytes", default: server.maxRequestLineBytes)
        server.maxBodyBytes = try configuration.byteSize("http_max_body_bytes", default: server.maxBodyBytes)
        server.bodyInMemoryThreshold = try configuration.byteSize("http_body_in_memory_bytes", default: server.bodyInMemoryThreshold)
        server.temporaryDirectory = try configuration.string("http_temporary_directory", default: server.temporaryDirectory)
        server.headerTimeout = try configuration.duration("http_header_timeout", default: server.headerTimeout)
        server.idleTimeout = try configuration.duration("http_idle_timeout", default: server.idleTimeout)
        server.bodyStallTimeout = try configuration.duration("http_body_stall_timeout", default: server.bodyStallTimeout)
        server.sendStallTimeout = try configuration.duration("http_send_stall_timeout", default: server.sendStallTimeout)
        server.drainIdleTimeout = try configuration.duration("http_drain_idle_timeout", default: server.drainIdleTimeout)
        server.maxConnections = try configuration.int("http_max_connections", default: server.maxConnections, range: 1...1_000_000)
        server.loops = try configuration.int("http_loops", default: HTTPSettings.processorCount, range: 1...256)
        server.workerThreads = try configuration.int("http_worker_threads", default: server.workerThreads, range: 1...1024)
        server.loopYieldInterval = try configuration.duration("http_loop_yield_interval", default: server.loopYieldInterval)
        self.server = server
        accessLog = try configuration.bool("access_log", default: true)
    }

    static var processorCount: Int {
        Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    }
}

extension HTTPSettings {
    /// A daemon's control socket: one loop, a few handler threads, no access log.
    public static func control(_ configuration: Configuration) throws -> HTTPSettings {
        var settings = try HTTPSettings(configuration)
        settings.server.loops = 1
        settings.server.workerThreads = 2
        settings.accessLog = false
        return settings
    }
}
