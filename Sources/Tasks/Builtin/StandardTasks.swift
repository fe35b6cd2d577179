import Daemon
import Glibc

/// The tasks every stockroom-worker runs (e-mail delivery is added by the `Mail` module).
public enum StandardTasks {
    /// `stockroom.ping`: does nothing but report when it started (wall-clock microseconds since the epoch), to
    /// measure the time from enqueue to start (bench/tasks.sh) and to check that workers take tasks at all.
    public static let ping = "stockroom.ping"

    /// The registry of a worker configured by `configuration`.
    public static func registry(_ configuration: Configuration) throws -> TaskRegistry {
        var registry = TaskRegistry()
        registry.register(TaskDefinition(name: ping, maxAttempts: 1, timeLimit: .seconds(10)) { _ in
            String(wallClockMicroseconds())
        })
        MaintenanceTasks.register(in: &registry, retention: try MaintenanceTasks.Retention(configuration))
        LowStockNotifications.register(in: &registry)
        StaleStockNotifications.register(in: &registry)
        OverdueOrderNotifications.register(in: &registry)
        return registry
    }

    /// CLOCK_REALTIME in microseconds.
    public static func wallClockMicroseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec / 1000)
    }
}
