import API
import Daemon
import Runtime

let context = DaemonContext.boot(identifier: "stockroom-web")
let database = context.database()
let redis = context.redis()
let settings = orExit(context.identifier) { try HTTPSettings(context.configuration) }
let api = orExit(context.identifier) {
    try APIContext(pool: database, redis: redis, configuration: context.configuration, logger: context.logger,
                   serverVersion: StockroomVersion.current)
}
context.run([
    DaemonRegistration(kind: .web, pool: database, logger: context.logger),
    HTTPService(name: "http", listener: context.listener("web"), router: APIRoutes.router(context: api),
                settings: settings, context: context),
])
