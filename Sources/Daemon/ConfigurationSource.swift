/// Where a configuration value came from.
public enum ConfigurationSource: Equatable, CustomStringConvertible {
    case file(path: String, line: Int)
    case environment(name: String)
    case credential(path: String)
    case `default`

    public var description: String {
        switch self {
        case .file(let path, let line): return "\(path):\(line)"
        case .environment(let name): return "environment variable \(name)"
        case .credential(let path): return "credential \(path)"
        case .default: return "default"
        }
    }
}
