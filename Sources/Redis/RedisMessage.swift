/// A message received by a `RedisSubscriber`.
public struct RedisMessage: Equatable, Sendable {
    /// The channel the message was published on.
    public var channel: String
    /// The pattern that matched, for messages received through `psubscribe`.
    public var pattern: String?
    /// The message as published, byte for byte.
    public var payload: [UInt8]

    public init(channel: String, pattern: String? = nil, payload: [UInt8]) {
        self.channel = channel
        self.pattern = pattern
        self.payload = payload
    }

    /// The payload decoded as UTF-8.
    public var text: String { String(decoding: payload, as: UTF8.self) }
}

/// What a reply on a subscribed connection means.
enum PubSubEvent: Equatable {
    case message(RedisMessage)
    /// A confirmation of SUBSCRIBE, PSUBSCRIBE, UNSUBSCRIBE or PUNSUBSCRIBE, with the number of
    /// subscriptions the connection has afterwards.
    case confirmation(kind: String, name: String?, count: Int64)
    case pong
    case other(RedisReply)

    init(_ reply: RedisReply) {
        guard case .array(let parts) = reply, let kind = parts.first?.string?.lowercased() else {
            self = .other(reply)
            return
        }
        switch (kind, parts.count) {
        case ("message", 3):
            if let channel = parts[1].string, let payload = parts[2].bytes {
                self = .message(RedisMessage(channel: channel, payload: payload))
                return
            }
        case ("pmessage", 4):
            if let pattern = parts[1].string, let channel = parts[2].string, let payload = parts[3].bytes {
                self = .message(RedisMessage(channel: channel, pattern: pattern, payload: payload))
                return
            }
        case ("subscribe", 3), ("psubscribe", 3), ("unsubscribe", 3), ("punsubscribe", 3):
            if let count = parts[2].integer {
                self = .confirmation(kind: kind, name: parts[1].string, count: count)
                return
            }
        case ("pong", _):
            self = .pong
            return
        default:
            break
        }
        self = .other(reply)
    }
}
