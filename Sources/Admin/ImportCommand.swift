import Daemon
import Glibc
import Importer
import Postgres
import Runtime
import Schema
import Supervisor

/// `stockroom import-inventree FILE.json [--media DIR] [--replace]`: loads an InvenTree export
/// (`dumpdata` JSON, or a YAML fixture) in one transaction, after bringing the schema up to date.
enum ImportCommand {
    static let mediaRootKey = "media_root"
    static let defaultMediaRoot = "/var/lib/stockroom/media"
    static let usage = "usage: stockroom import-inventree FILE.json [--media DIR] [--replace] [--media-root DIR] [--state-dir DIR]"

    static func main(_ arguments: [String]) throws -> Int32 {
        let options = try CommandOptions(arguments, valued: ["media", "media-root", "state-dir"], flags: ["replace"])
        guard options.positional.count == 1, let file = options.positional.first else {
            throw CommandOptions.Failure(description: "expected one export file\n\(usage)")
        }
        if let media = options.value("media") {
            var status = stat()
            guard stat(media, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else {
                throw CommandOptions.Failure(description: "--media \(media) is not a directory")
            }
        }
        let database = try AdminDatabase.locate(stateDirectory: options.value("state-dir"))
        defer { database.release() }
        let mediaRoot = try options.value("media-root") ?? locateMediaRoot(database: database)
        let connection = try PostgresConnection(database.url)
        _ = try Migrator(logger: { print($0) }).apply(Schema.migrations, using: connection)

        let bar = isatty(STDOUT_FILENO) == 1 ? ProgressBar() : nil
        let report = try InvenTreeImporter.run(file: file, connection: connection, options: ImportOptions(
            replace: options.flag("replace"), mediaSource: options.value("media"), mediaRoot: mediaRoot,
            progress: bar.map { bar in { done, total, table in bar.show(done: done, total: total, label: table) } }))
        bar?.finish()
        print(report.summary)
        print("media root: \(mediaRoot)")
        return 0
    }

    /// The configured media root; in a checkout with no configuration, that of the development stack.
    static func locateMediaRoot(database: AdminDatabase) throws -> String {
        let configuration = try Configuration.load()
        if configuration.source(of: mediaRootKey) != .default {
            return try configuration.string(mediaRootKey, default: defaultMediaRoot)
        }
        if let state = database.developmentState { return state + "/media" }
        return defaultMediaRoot
    }
}

/// A one-line progress bar on a terminal.
final class ProgressBar {
    private var lastPercent = -1

    func show(done: Int, total: Int, label: String) {
        let percent = total > 0 ? done * 100 / total : 100
        guard percent != lastPercent else { return }
        lastPercent = percent
        let width = 30
        let filled = width * percent / 100
        let line = "\r[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
            + "] \(percent)% \(label)\u{1B}[K"
        _ = line.withCString { write(STDOUT_FILENO, $0, strlen($0)) }
    }

    func finish() {
        let line = "\r\u{1B}[K"
        _ = line.withCString { write(STDOUT_FILENO, $0, strlen($0)) }
    }
}
