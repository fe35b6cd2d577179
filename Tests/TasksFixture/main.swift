import Daemon
import FoundationEssentials
import Glibc
import Postgres
import Runtime
import Mail
import Tasks

// stockroom-worker's wiring with the tasks the TasksTests need: each records its runs in `test_task_runs`.
let context = DaemonContext.boot(identifier: "tasks-fixture")
let database = context.database()
let redis = context.redis()
let databaseSettings = orExit(context.identifier) { try DatabaseSettings(context.configuration) }
var registry = orExit(context.identifier) { try WorkerTasks.registry(context.configuration) }
let pid = Int(getpid())

/// Records a run of the task, then sleeps `sleep_ms` from the arguments (if any).
@Sendable func recordRun(_ task: TaskContext) throws -> String? {
    try task.connection.execute("INSERT INTO test_task_runs (task_id, name, pid, attempt) VALUES ($1, $2, $3, $4)",
                                [task.id, task.name, pid, task.attempt])
    struct Arguments: Decodable { var sleep_ms: Int? }
    let arguments = try JSONDecoder().decode(Arguments.self, from: Data(task.arguments.utf8))
    if let milliseconds = arguments.sleep_ms { usleep(UInt32(milliseconds * 1000)) }
    return "ran on \(pid)"
}

registry.register(TaskDefinition(name: "test.record", maxAttempts: 10, body: recordRun))
registry.register(TaskDefinition(name: "test.fail", maxAttempts: 3) { task in
    _ = try recordRun(task)
    throw TaskFailure("deliberate failure on attempt \(task.attempt)", context: "arguments: \(task.arguments)")
})
registry.register(TaskDefinition(name: "test.exclusive", maxAttempts: 10, exclusive: true) { task in
    try task.connection.execute("INSERT INTO test_exclusive_spans (task_id, started) VALUES ($1, clock_timestamp())", [task.id])
    let result = try recordRun(task)
    try task.connection.execute("UPDATE test_exclusive_spans SET finished = clock_timestamp() WHERE task_id = $1", [task.id])
    return result
})
registry.register(TaskDefinition(name: "test.slow", maxAttempts: 2, timeLimit: .milliseconds(500), body: recordRun))
registry.register(TaskDefinition(name: "test.periodic", maxAttempts: 1, body: recordRun))
if let seconds = context.configuration.optionalString("test_periodic_seconds").flatMap(Int.init) {
    registry.schedule(PeriodicTask(name: "test.periodic", interval: .seconds(Int64(seconds))))
}

let worker = orExit(context.identifier) {
    TaskWorker(registry: registry, settings: try TaskWorkerSettings(context.configuration),
               databaseURL: databaseSettings.url, redis: redis, logger: context.logger, notifier: context.notifier,
               watchdog: context.watchdog, host: DaemonRegistration.hostName())
}
let control = ControlEndpoints(identifier: context.identifier, database: database, redis: redis,
                               samples: { worker.metrics.samples() })
let controlSettings = orExit(context.identifier) { try HTTPSettings.control(context.configuration) }
context.run([
    DaemonRegistration(kind: .worker, pool: database, logger: context.logger),
    worker,
    HTTPService(name: "control", listener: context.listener("control"), router: control.router(),
                settings: controlSettings, context: context),
])
