/// The LISTEN bookkeeping of one connection: which channels it listens on, what to send to the server
/// for a listen or unlisten request, and what to send again after the session was re-established.
struct ListenStateMachine {
    enum Action: Equatable {
        case none
        case sendListen(String)
        case sendUnlisten(String)
    }

    private enum ChannelState: Equatable {
        /// LISTEN was sent and not yet confirmed.
        case starting
        case listening
        /// UNLISTEN was sent and not yet confirmed.
        case stopping
    }

    private var channels: [String: ChannelState] = [:]

    /// Channels the connection listens on (or is starting to), sorted.
    var activeChannels: [String] {
        channels.filter { $0.value != .stopping }.keys.sorted()
    }

    mutating func listenRequested(_ channel: String) -> Action {
        switch channels[channel] {
        case .listening?, .starting?: return .none
        case .stopping?, nil:
            channels[channel] = .starting
            return .sendListen(channel)
        }
    }

    mutating func listenSucceeded(_ channel: String) {
        if channels[channel] == .starting { channels[channel] = .listening }
    }

    mutating func listenFailed(_ channel: String) {
        if channels[channel] == .starting { channels[channel] = nil }
    }

    mutating func unlistenRequested(_ channel: String) -> Action {
        switch channels[channel] {
        case nil, .stopping?: return .none
        case .listening?, .starting?:
            channels[channel] = .stopping
            return .sendUnlisten(channel)
        }
    }

    /// UNLISTEN done, or failed with the connection (a new session listens on nothing anyway).
    mutating func unlistenFinished(_ channel: String) {
        if channels[channel] == .stopping { channels[channel] = nil }
    }

    /// A new session replaced the old one: every active channel must be listened to again.
    mutating func sessionReestablished() -> [Action] {
        channels = channels.filter { $0.value != .stopping }
        return channels.keys.sorted().map { channel in
            channels[channel] = .starting
            return .sendListen(channel)
        }
    }
}
