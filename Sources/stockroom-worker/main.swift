import Daemon
import Runtime
import Mail
import Tasks

let context = DaemonContext.boot(identifier: "stockroom-worker")
let database = context.database()
let redis = context.redis()
let databaseSettings = orExit(context.identifier) { try DatabaseSettings(context.configuration) }
let worker = orExit(context.identifier) {
    TaskWorker(registry: try WorkerTasks.registry(context.configuration),
               settings: try TaskWorkerSettings(context.configuration), databaseURL: databaseSettings.url,
               redis: redis, logger: context.logger, notifier: context.notifier, watchdog: context.watchdog,
               host: DaemonRegistration.hostName())
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
