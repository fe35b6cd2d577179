/// The tasks a worker can run and the periodic ones it schedules, declared in code.
public struct TaskRegistry: Sendable {
    public private(set) var definitions: [String: TaskDefinition] = [:]
    public private(set) var periodic: [PeriodicTask] = []

    public init() {}

    /// Adds `definition`; a second definition with the same name replaces the first.
    public mutating func register(_ definition: TaskDefinition) {
        definitions[definition.name] = definition
    }

    /// Enqueues `task` once per period (its name must be registered by the time the worker starts).
    public mutating func schedule(_ task: PeriodicTask) {
        periodic.removeAll { $0.name == task.name }
        periodic.append(task)
    }

    public func definition(named name: String) -> TaskDefinition? { definitions[name] }

    /// Checks that every periodic task has a definition and a positive interval.
    public func validate() throws {
        for task in periodic {
            guard definitions[task.name] != nil else {
                throw TaskFailure("periodic task '\(task.name)' is scheduled but no task of that name is registered")
            }
            guard task.interval >= .seconds(1) else {
                throw TaskFailure("periodic task '\(task.name)' has an interval under 1 s")
            }
        }
    }
}
