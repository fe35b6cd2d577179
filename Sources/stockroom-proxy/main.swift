import Daemon
import Proxy
import Runtime

let context = DaemonContext.boot(identifier: "stockroom-proxy")
let database = context.database()
_ = context.redis()
let settings = orExit(context.identifier) { try HTTPSettings(context.configuration) }
let proxySettings = orExit(context.identifier) { try ProxySettings(context.configuration) }
let routes = ProxyRoutes(settings: proxySettings, warn: { context.logger.warning($0) })
context.run([
    DaemonRegistration(kind: .proxy, pool: database, logger: context.logger),
    HTTPService(name: "http", listener: context.listener("http"), router: routes.router,
                settings: settings, context: context),
])
