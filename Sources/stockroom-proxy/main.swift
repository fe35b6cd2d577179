import Daemon
import Proxy
import Runtime

let context = DaemonContext.boot(identifier: "stockroom-proxy")
let database = context.database()
let redis = context.redis()
let settings = orExit(context.identifier) { try HTTPSettings(context.configuration) }
let proxySettings = orExit(context.identifier) { try ProxySettings(context.configuration) }
let media = orExit(context.identifier) {
    try MediaAccess(pool: database, redis: redis, configuration: context.configuration, log: { context.logger.warning($0) })
}
let routes = ProxyRoutes(settings: proxySettings, media: media, warn: { context.logger.warning($0) })
context.run([
    DaemonRegistration(kind: .proxy, pool: database, logger: context.logger),
    HTTPService(name: "http", listener: context.listener("http"), router: routes.router,
                settings: settings, context: context),
])
