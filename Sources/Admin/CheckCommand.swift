import Daemon
import Glibc
import Postgres
import Redis
import Runtime
import Schema

/// `stockroom check`: one line per thing a running Stockroom needs, and a non-zero exit status if
/// any of them is not right.
enum CheckCommand {
    struct Result {
        let name: String
        let problem: String?
        let detail: String
    }

    static func main(_ arguments: [String]) throws -> Int32 {
        let options = try CommandOptions(arguments, valued: ["state-dir"])
        var results: [Result] = []
        let configuration: Configuration
        do {
            configuration = try Configuration.load()
            results.append(Result(name: "configuration", problem: nil, detail: configuration.loadedFile ?? "no file (\(configuration.filePath ?? Configuration.defaultPath) absent): defaults and environment"))
        } catch {
            print(line(Result(name: "configuration", problem: "\(error)", detail: "")))
            return 1
        }
        let located = try? AdminDatabase.locate(stateDirectory: options.value("state-dir"), startIfNeeded: false)
        results.append(database(url: located?.url ?? DatabaseSettings.defaultURL))
        results.append(redis(url: located?.redisURL ?? RedisSettings.defaultURL))
        let mediaRoot = configuration.optionalString("media_root") ?? "/var/lib/stockroom/media"
        results.append(directory("media root", mediaRoot, access: R_OK | W_OK | X_OK))
        let staticRoot = configuration.optionalString("static_root") ?? "/usr/share/stockroom/static"
        results.append(directory("static root", staticRoot, access: R_OK | X_OK))
        for result in results { print(line(result)) }
        return results.contains { $0.problem != nil } ? 1 : 0
    }

    static func line(_ result: Result) -> String {
        let status = result.problem == nil ? "ok    " : "FAILED"
        let text = result.problem.map { result.detail.isEmpty ? $0 : "\(result.detail): \($0)" } ?? result.detail
        return "\(status) \(result.name): \(text)"
    }

    static func database(url: String) -> Result {
        do {
            let pool = PostgresPool(url: url, maximumConnections: 1, acquireTimeout: 5)
            defer { pool.close() }
            let version = try Migrator().currentVersion(using: pool)
            guard version >= Schema.version else {
                return Result(name: "database", problem: "schema at version \(version), this program needs \(Schema.version): run `stockroom migrate`", detail: redacted(url))
            }
            return Result(name: "database", problem: nil, detail: "\(redacted(url)), schema version \(version)")
        } catch {
            return Result(name: "database", problem: "\(error)", detail: redacted(url))
        }
    }

    static func redis(url: String) -> Result {
        do {
            let address = try RedisAddress(url: url)
            let connection = try RedisConnection(address: address)
            defer { connection.close() }
            try connection.ping()
            return Result(name: "redis", problem: nil, detail: address.description)
        } catch {
            return Result(name: "redis", problem: "\(error) (Stockroom works without Redis, slower)", detail: "")
        }
    }

    static func directory(_ name: String, _ path: String, access mode: Int32) -> Result {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return Result(name: name, problem: String(cString: strerror(errno)), detail: path)
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { return Result(name: name, problem: "not a directory", detail: path) }
        guard access(path, mode) == 0 else {
            let needed = mode & W_OK != 0 ? "readable and writable" : "readable"
            return Result(name: name, problem: "not \(needed) by uid \(getuid())", detail: path)
        }
        return Result(name: name, problem: nil, detail: path)
    }

    /// A database URL without its password.
    static func redacted(_ url: String) -> String {
        guard let at = url.firstIndex(of: "@"), let scheme = url.range(of: "://"),
              let colon = url[scheme.upperBound..<at].firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }
}
