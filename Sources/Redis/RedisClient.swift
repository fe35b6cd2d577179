/// Something that runs Redis commands: a `RedisConnection`, or a `RedisPool` that lends one.
/// The convenience commands below are thin: each is one command with its reply decoded.
public protocol RedisClient {
    /// Sends one command (binary-safe arguments) and returns its reply; an error reply throws
    /// `RedisError.server`.
    func command(_ arguments: [[UInt8]]) throws -> RedisReply
}

/// The condition of `SET`.
public enum RedisSetCondition: Sendable {
    case always
    /// `NX`: only if the key does not exist.
    case ifAbsent
    /// `XX`: only if the key exists.
    case ifPresent
}

extension RedisClient {
    /// `command` with text arguments.
    public func command(_ arguments: [String]) throws -> RedisReply {
        try command(arguments.map { Array($0.utf8) })
    }

    /// `PING`.
    public func ping() throws {
        let reply = try command(["PING"])
        guard reply == .status("PONG") else { throw RedisError.unexpectedReply(command: "PING", reply: reply.description) }
    }

    /// `GET key`: the value's bytes, or nil if the key does not exist.
    public func get(_ key: String) throws -> [UInt8]? {
        let reply = try command(["GET", key])
        switch reply {
        case .string(let bytes): return bytes
        case .null: return nil
        default: throw RedisError.unexpectedReply(command: "GET", reply: reply.description)
        }
    }

    /// `GET key` decoded as UTF-8.
    public func getString(_ key: String) throws -> String? {
        try get(key).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `SET key value [PX ms] [NX|XX]`; false when the condition kept the value from being set.
    @discardableResult
    public func set(_ key: String, _ value: [UInt8], expireAfter ttl: Duration? = nil,
                    condition: RedisSetCondition = .always) throws -> Bool {
        var arguments: [[UInt8]] = [Array("SET".utf8), Array(key.utf8), value]
        if let ttl {
            arguments += [Array("PX".utf8), Array(String(max(1, ttl.roundedUpMilliseconds)).utf8)]
        }
        switch condition {
        case .always: break
        case .ifAbsent: arguments.append(Array("NX".utf8))
        case .ifPresent: arguments.append(Array("XX".utf8))
        }
        let reply = try command(arguments)
        switch reply {
        case .status: return true
        case .null: return false
        default: throw RedisError.unexpectedReply(command: "SET", reply: reply.description)
        }
    }

    /// `SET` with a text value.
    @discardableResult
    public func set(_ key: String, _ value: String, expireAfter ttl: Duration? = nil,
                    condition: RedisSetCondition = .always) throws -> Bool {
        try set(key, Array(value.utf8), expireAfter: ttl, condition: condition)
    }

    /// `DEL key...`: how many keys were removed.
    @discardableResult
    public func del(_ keys: String...) throws -> Int {
        try integer(["DEL"] + keys)
    }

    /// `EXISTS key`.
    public func exists(_ key: String) throws -> Bool {
        try integer(["EXISTS", key]) == 1
    }

    /// `INCR key`: the new value.
    @discardableResult
    public func incr(_ key: String) throws -> Int64 {
        try int64(["INCR", key])
    }

    /// `INCRBY key amount`: the new value.
    @discardableResult
    public func incr(_ key: String, by amount: Int64) throws -> Int64 {
        try int64(["INCRBY", key, String(amount)])
    }

    /// `PEXPIRE key ms`: false if the key does not exist.
    @discardableResult
    public func expire(_ key: String, after ttl: Duration) throws -> Bool {
        try integer(["PEXPIRE", key, String(max(1, ttl.roundedUpMilliseconds))]) == 1
    }

    /// `PTTL key`: the time left, or nil if the key does not exist or never expires.
    public func timeToLive(_ key: String) throws -> Duration? {
        let milliseconds = try int64(["PTTL", key])
        return milliseconds >= 0 ? .milliseconds(milliseconds) : nil
    }

    /// `PUBLISH channel message`: how many subscribers received it.
    @discardableResult
    public func publish(_ channel: String, _ message: [UInt8]) throws -> Int {
        Int(try int64Reply("PUBLISH", [Array("PUBLISH".utf8), Array(channel.utf8), message]))
    }

    /// `PUBLISH` with a text message.
    @discardableResult
    public func publish(_ channel: String, _ message: String) throws -> Int {
        try publish(channel, Array(message.utf8))
    }

    /// `EVAL script numkeys key... arg...`.
    public func eval(_ script: String, keys: [String] = [], arguments: [[UInt8]] = []) throws -> RedisReply {
        try command([Array("EVAL".utf8), Array(script.utf8), Array(String(keys.count).utf8)]
                    + keys.map { Array($0.utf8) } + arguments)
    }

    /// `EVALSHA sha1 numkeys key... arg...`.
    public func evalsha(_ sha1: String, keys: [String] = [], arguments: [[UInt8]] = []) throws -> RedisReply {
        try command([Array("EVALSHA".utf8), Array(sha1.utf8), Array(String(keys.count).utf8)]
                    + keys.map { Array($0.utf8) } + arguments)
    }

    /// Runs a script by its SHA-1 and sends its source only if the server does not know it yet.
    public func run(_ script: RedisScript, keys: [String] = [], arguments: [[UInt8]] = []) throws -> RedisReply {
        do {
            return try evalsha(script.sha1, keys: keys, arguments: arguments)
        } catch RedisError.server(let message) where message.hasPrefix("NOSCRIPT") {
            return try eval(script.source, keys: keys, arguments: arguments)
        }
    }

    private func integer(_ arguments: [String]) throws -> Int {
        Int(try int64(arguments))
    }

    private func int64(_ arguments: [String]) throws -> Int64 {
        try int64Reply(arguments[0], arguments.map { Array($0.utf8) })
    }

    private func int64Reply(_ name: String, _ arguments: [[UInt8]]) throws -> Int64 {
        let reply = try command(arguments)
        guard let value = reply.integer else { throw RedisError.unexpectedReply(command: name, reply: reply.description) }
        return value
    }
}
