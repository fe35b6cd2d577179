/// The states of a task row (the `state` column of `task_queue`).
public enum TaskState: String, CaseIterable, Sendable {
    case available, running, succeeded, failed, cancelled

    /// States in which the task still has to run (a unique key blocks a second enqueue in these).
    public var isPending: Bool { self == .available || self == .running }
}
