import Glibc
import HTTP
import Postgres
import Redis

/// The control socket of a daemon (`stockroom-worker@.socket`, `stockroom-warmer.socket`):
/// `GET /health` for a monitor, `GET /metrics` in Prometheus' text format.
public final class ControlEndpoints {
    public typealias Sample = (name: String, help: String, type: String, value: Double)

    private let identifier: String
    private let database: PostgresPool
    private let redis: RedisPool
    private let startTime = Double(time(nil))
    private let samples: () -> [Sample]

    /// `samples` adds the daemon's own figures to `/metrics`.
    public init(identifier: String, database: PostgresPool, redis: RedisPool, samples: @escaping () -> [Sample] = { [] }) {
        self.identifier = identifier
        self.database = database
        self.redis = redis
        self.samples = samples
    }

    public func router() -> Router {
        let router = Router()
        router.get("/health") { [self] _ in health() }
        router.get("/metrics") { [self] _ in metrics() }
        return router
    }

    func health() -> HTTPResponse {
        let databaseUp = (try? database.withConnection { try $0.query("SELECT 1") }) != nil
        let redisUp = (try? redis.ping()) != nil
        let status = databaseUp ? "ok" : "degraded"
        let body = """
            {"status":"\(status)","daemon":"\(identifier)","pid":\(getpid()),"database":\(databaseUp),"redis":\(redisUp)}
            """
        return HTTPResponse(status: databaseUp ? 200 : 503, contentType: "application/json", body: Array(body.utf8))
    }

    func metrics() -> HTTPResponse {
        var all: [Sample] = [
            ("stockroom_start_time_seconds", "When this daemon started, in seconds since the epoch.", "gauge", startTime),
            ("process_resident_memory_bytes", "Resident memory of this process.", "gauge", Self.residentBytes()),
        ]
        all += samples()
        var text = ""
        for sample in all {
            text += "# HELP \(sample.name) \(sample.help)\n# TYPE \(sample.name) \(sample.type)\n"
            text += "\(sample.name){daemon=\"\(identifier)\"} \(Self.format(sample.value))\n"
        }
        return HTTPResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: Array(text.utf8))
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// Resident memory from /proc/self/statm (its second field, in pages).
    static func residentBytes() -> Double {
        let fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let count = read(fd, &buffer, buffer.count)
        guard count > 0 else { return 0 }
        let fields = String(decoding: buffer[..<count], as: UTF8.self).split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return 0 }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE)))
    }
}
