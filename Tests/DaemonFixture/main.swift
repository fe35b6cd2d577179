// A tiny daemon on the Daemon library, started by the DaemonTests as a real child process.
// It answers one line per connection on the socket "http":
//   "sleep N" -> "done" after N milliseconds      "hang"  -> blocks the work loop until shutdown
//   "greeting" -> the `greeting` config value      "crash" -> run() throws (the daemon must exit 1)
//   "ping" -> "pong"
// Config key `fail_start = yes` makes start() fail.
import Daemon
import Glibc

let identifier = "daemon-fixture"
orExit(identifier) { try DaemonRunner.installSignalHandling() }
let configuration = orExit(identifier) { try Configuration.load() }
let logger = Logger(identifier: identifier, level: orExit(identifier) { try configuration.logLevel() })
let notifier = Notifier.fromEnvironment()
let listenAddresses = orExit(identifier) { try ListenAddress.fromArguments(Array(CommandLine.arguments.dropFirst())) }
let sockets = orExit(identifier) { try ActivatedSockets.fromEnvironment() }
let listener = orExit(identifier) { try sockets.require("http", fallback: listenAddresses["http"]) }

let service = LineService(listener: listener, watchdog: Watchdog(notifier: notifier), logger: logger,
                          configuration: configuration)
let runner = DaemonRunner(identifier: identifier, logger: logger, notifier: notifier, configuration: configuration,
                          reloadConfiguration: { try Configuration.load() })
runner.run([service])
