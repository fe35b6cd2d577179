import Daemon
import Runtime

let context = DaemonContext.boot(identifier: "stockroom-worker")
let database = context.database()
let redis = context.redis()
let control = ControlEndpoints(identifier: context.identifier, database: database, redis: redis)
let controlSettings = orExit(context.identifier) { try HTTPSettings.control(context.configuration) }
context.run([
    DaemonRegistration(kind: .worker, pool: database, logger: context.logger),
    HTTPService(name: "control", listener: context.listener("control"), router: control.router(),
                settings: controlSettings, context: context),
])
