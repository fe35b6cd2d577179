import Daemon
import Glibc
import Postgres

/// Keeps this daemon's row in `daemon_instances`: written at start, refreshed every `period`
/// while the daemon runs, deleted when it stops. Rows not refreshed for a few periods belong to
/// daemons that died without deleting them.
public final class DaemonRegistration: DaemonService {
    public enum Kind: String { case proxy, web, worker, warmer }

    public let name = "registration"
    public static let period: Duration = .seconds(10)
    private let kind: Kind
    private let pool: PostgresPool
    private let logger: Logger
    private let host: String
    private let pid = getpid()
    private let stop = StopSignal()

    private static let upsert = PreparedStatement("""
        INSERT INTO daemon_instances (kind, host, pid) VALUES ($1, $2, $3)
        ON CONFLICT (host, pid) DO UPDATE SET kind = EXCLUDED.kind, started_at = now(), last_seen = now()
        """)
    private static let refresh = PreparedStatement(
        "UPDATE daemon_instances SET last_seen = now() WHERE host = $1 AND pid = $2")
    private static let remove = PreparedStatement("DELETE FROM daemon_instances WHERE host = $1 AND pid = $2")

    public init(kind: Kind, pool: PostgresPool, logger: Logger) {
        self.kind = kind
        self.pool = pool
        self.logger = logger
        self.host = DaemonRegistration.hostName()
    }

    public func start() throws {
        try pool.withConnection { _ = try $0.execute(Self.upsert, [kind.rawValue, host, Int(pid)]) }
    }

    public func run() throws {
        while !stop.wait(for: Self.period) {
            do {
                _ = try pool.withConnection { try $0.execute(Self.refresh, [host, Int(pid)]) }
            } catch {
                logger.warning("cannot refresh this daemon's registration: \(error)")
            }
        }
        do {
            _ = try pool.withConnection { try $0.execute(Self.remove, [host, Int(pid)]) }
        } catch {
            logger.warning("cannot remove this daemon's registration: \(error)")
        }
    }

    public func beginShutdown() { stop.signal() }

    /// This host's name, as registrations and task leases record it.
    public static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(cString: buffer)
        return name.isEmpty ? "localhost" : name
    }
}
