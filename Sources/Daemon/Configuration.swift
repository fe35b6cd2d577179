/// The daemon configuration: `/etc/stockroom/stockroom.conf` overridden by `STOCKROOM_*` environment variables.
public struct Configuration {
    /// The file read when neither `path` nor `STOCKROOM_CONFIG` names another.
    public static let defaultPath = "/etc/stockroom/stockroom.conf"
    /// The environment variable that names another configuration file.
    public static let pathVariable = "STOCKROOM_CONFIG"

    struct Value {
        let text: String
        let source: ConfigurationSource
    }

    var values: [String: Value]
    /// The configuration file: the one read, or the default path that was absent (nil for `init(values:)`).
    /// The configuration file that was read, or nil when there was none (the default path absent).
    public private(set) var loadedFile: String? = nil
    public let filePath: String?
    /// `$CREDENTIALS_DIRECTORY` at load time: where systemd's `LoadCredential=` put the secrets.
    public let credentialsDirectory: String?

    /// Values given directly (for tests and the supervisor); their source is `.default`.
    public init(values: [String: String]) {
        self.init(values: values, credentialsDirectory: nil)
    }

    /// Values given directly, with a credentials directory to read secrets from.
    public init(values: [String: String], credentialsDirectory: String?) {
        self.values = values.reduce(into: [:]) { $0[$1.key.lowercased()] = Value(text: $1.value, source: .default) }
        self.filePath = nil
        self.credentialsDirectory = credentialsDirectory
    }

    init(values: [String: Value], filePath: String?, credentialsDirectory: String?) {
        self.values = values
        self.filePath = filePath
        self.credentialsDirectory = credentialsDirectory
    }

    /// Reads the file (`path`, else `$STOCKROOM_CONFIG`, else the default path, which may be absent),
    /// then applies every `STOCKROOM_<KEY>` environment variable over it.
    public static func load(path: String? = nil, environment: [String: String] = ProcessEnvironment.current) throws -> Configuration {
        let explicitPath = path ?? environment[pathVariable].flatMap { $0.isEmpty ? nil : $0 }
        let filePath = explicitPath ?? defaultPath
        var values: [String: Value] = [:]
        var readPath: String? = nil
        if explicitPath != nil || TextFile.exists(filePath) {
            let text: String
            do {
                text = try TextFile.contents(filePath)
            } catch {
                throw ConfigurationError.unreadable(path: filePath, key: nil, reason: TextFile.reason(error))
            }
            for entry in try ConfigurationFileParser.parse(text, path: filePath) {
                values[entry.key] = Value(text: entry.value, source: .file(path: filePath, line: entry.line))
            }
            readPath = filePath
        }
        for (name, text) in environment where name.hasPrefix("STOCKROOM_") && name != pathVariable {
            let key = String(name.dropFirst("STOCKROOM_".count)).lowercased()
            guard !key.isEmpty else { continue }
            values[key] = Value(text: text, source: .environment(name: name))
        }
        let credentials = environment["CREDENTIALS_DIRECTORY"].flatMap { $0.isEmpty ? nil : $0 }
        var configuration = Configuration(values: values, filePath: readPath ?? explicitPath ?? defaultPath, credentialsDirectory: credentials)
        configuration.loadedFile = readPath
        return configuration
    }

    /// The environment variable that overrides `key`: `database_url` -> `STOCKROOM_DATABASE_URL`.
    public static func environmentName(of key: String) -> String {
        "STOCKROOM_" + key.uppercased()
    }

    /// All keys that have a value.
    public var keys: [String] { values.keys.sorted() }

    /// The raw value of `key`, or nil when it is not set.
    public func optionalString(_ key: String) -> String? {
        values[key.lowercased()]?.text
    }

    /// Where the value of `key` came from (`.default` when it is not set).
    public func source(of key: String) -> ConfigurationSource {
        if let directory = credentialsDirectory {
            let path = directory + "/" + key
            if TextFile.exists(path) { return .credential(path: path) }
        }
        return values[key.lowercased()]?.source ?? .default
    }

    /// A copy with `key` set to `value` (source `.default`); for tests and the supervisor.
    public func setting(_ key: String, to value: String) -> Configuration {
        var copy = self
        copy.values[key.lowercased()] = Value(text: value, source: .default)
        return copy
    }
}
