import API
import Daemon
import Runtime

let context = DaemonContext.boot(identifier: "stockroom-web")
let database = context.database()
let redis = context.redis()
let settings = orExit(context.identifier) { try HTTPSettings(context.configuration) }
context.run([
    DaemonRegistration(kind: .web, pool: database, logger: context.logger),
    HTTPService(name: "http", listener: context.listener("web"), router: APIRoutes.router(),
                settings: settings, context: context),
])
