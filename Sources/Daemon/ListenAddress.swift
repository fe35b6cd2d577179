/// An address to listen on, for development when systemd does not pass a socket.
public enum ListenAddress: Equatable, CustomStringConvertible {
    /// "127.0.0.1:8000", "[::1]:8000", "localhost:8000", ":8000" (all IPv4 addresses).
    case tcp(host: String, port: Int)
    /// "unix:/run/stockroom/web.sock", or any string starting with "/".
    case unix(path: String)

    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(parsing text: String) throws {
        func failure(_ problem: String) -> ParseError {
            ParseError(description: "listen address '\(text)' is not valid: \(problem); expected host:port, [ipv6]:port, :port, unix:/path or /path")
        }
        if text.hasPrefix("unix:") || text.hasPrefix("/") {
            let path = text.hasPrefix("unix:") ? String(text.dropFirst("unix:".count)) : text
            guard path.hasPrefix("/") else { throw failure("a unix socket path must be absolute") }
            guard path.utf8.count < 108 else { throw failure("a unix socket path must be shorter than 108 bytes") }
            self = .unix(path: path)
            return
        }
        guard let colon = text.lastIndex(of: ":") else { throw failure("no port") }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw failure("the port must be a number in 0...65535")
        }
        if host.hasPrefix("[") || host.hasSuffix("]") {
            guard host.hasPrefix("["), host.hasSuffix("]"), host.count > 2 else { throw failure("unbalanced brackets") }
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            throw failure("an IPv6 address must be written in brackets")
        }
        self = .tcp(host: host.isEmpty ? "0.0.0.0" : host, port: port)
    }

    public var description: String {
        switch self {
        case .tcp(let host, let port): return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path): return "unix:\(path)"
        }
    }

    /// The `--listen NAME=ADDRESS` (or `--listen=NAME=ADDRESS`) options in `arguments`, by socket name.
    public static func fromArguments(_ arguments: [String]) throws -> [String: ListenAddress] {
        var result: [String: ListenAddress] = [:]
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            var value: String? = nil
            if argument == "--listen" {
                guard index + 1 < arguments.count else {
                    throw ParseError(description: "--listen needs a value such as http=127.0.0.1:8000")
                }
                value = arguments[index + 1]
                index += 1
            } else if argument.hasPrefix("--listen=") {
                value = String(argument.dropFirst("--listen=".count))
            }
            if let value {
                guard let equals = value.firstIndex(of: "="), equals != value.startIndex else {
                    throw ParseError(description: "--listen '\(value)' is not valid: expected NAME=ADDRESS such as http=127.0.0.1:8000")
                }
                result[String(value[..<equals])] = try ListenAddress(parsing: String(value[value.index(after: equals)...]))
            }
            index += 1
        }
        return result
    }
}
