/// A configuration that cannot be used; the description says which key, where it came from and what is expected.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public enum Kind: Equatable {
        /// A required key is not set anywhere.
        case missing
        /// A value is set but is not what the key expects.
        case invalid
        /// A line of the configuration file is not `key = value`.
        case syntax
        /// The configuration file or a secret's file cannot be read.
        case unreadable
    }

    public let kind: Kind
    /// The key concerned, if the error is about one key.
    public let key: String?
    public let description: String

    public init(kind: Kind, key: String?, description: String) {
        self.kind = kind
        self.key = key
        self.description = description
    }

    static func missing(_ key: String, expected: String, configurationPath: String?) -> ConfigurationError {
        let places = [configurationPath, "environment variable \(Configuration.environmentName(of: key))"]
            .compactMap { $0 }.joined(separator: " or ")
        return ConfigurationError(
            kind: .missing, key: key,
            description: "configuration: key '\(key)' is not set: expected \(expected); set it in \(places)")
    }

    static func invalid(_ key: String, value: String?, source: ConfigurationSource, expected: String) -> ConfigurationError {
        let shown = value.map { " = '\($0)'" } ?? ""
        return ConfigurationError(
            kind: .invalid, key: key,
            description: "configuration: key '\(key)'\(shown) (from \(source)) is not valid: expected \(expected)")
    }

    static func syntax(path: String, line: Int, problem: String) -> ConfigurationError {
        ConfigurationError(kind: .syntax, key: nil, description: "configuration: \(path):\(line): \(problem)")
    }

    static func unreadable(path: String, key: String?, reason: String) -> ConfigurationError {
        let about = key.map { " (for key '\($0)')" } ?? ""
        return ConfigurationError(kind: .unreadable, key: key, description: "configuration: cannot read \(path)\(about): \(reason)")
    }
}
