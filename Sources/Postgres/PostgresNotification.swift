import Daemon
import CPostgres
import Glibc

/// A NOTIFY received on a channel this connection listens on.
public struct PostgresNotification: Equatable, Sendable {
    /// The channel name.
    public let channel: String
    /// The payload ("" when none was given).
    public let payload: String
    /// The server process that sent it.
    public let senderProcessID: Int32
}

extension PostgresConnection {
    private static let notifyStatement = PreparedStatement("SELECT pg_notify($1, $2)")

    /// Starts listening on `channel` (idempotent).
    public func listen(_ channel: String) throws {
        guard case .sendListen(let name) = listenState.listenRequested(channel) else { return }
        do {
            try runScript("LISTEN " + escapeIdentifier(name))
            listenState.listenSucceeded(name)
        } catch {
            listenState.listenFailed(name)
            throw error
        }
    }

    /// Stops listening on `channel` (idempotent).
    public func unlisten(_ channel: String) throws {
        guard case .sendUnlisten(let name) = listenState.unlistenRequested(channel) else { return }
        defer { listenState.unlistenFinished(name) }
        try runScript("UNLISTEN " + escapeIdentifier(name))
    }

    /// The channels this connection listens on.
    public var listeningChannels: [String] { listenState.activeChannels }

    /// Sends a notification through `pg_notify` (inside a transaction it is delivered at COMMIT).
    public func notify(_ channel: String, payload: String = "") throws {
        _ = try query(Self.notifyStatement, [channel, payload])
    }

    /// Returns the notifications that arrived, waiting up to `timeout` seconds for the first one;
    /// an empty array means none arrived in time. A lost connection throws a connection error
    /// (call `reconnect()`, which listens again on the same channels).
    public func waitForNotifications(timeout: Double) throws -> [PostgresNotification] {
        if isBroken || PQstatus(handle) != CONNECTION_OK {
            markBroken()
            throw PostgresError(.connection, "the connection to PostgreSQL is broken: \(Self.errorMessage(handle))")
        }
        var received = drainNotifications()
        if !received.isEmpty { return received }
        let deadline = monotonicSeconds() + max(0, timeout)
        let socket = PQsocket(handle)
        while true {
            let remaining = deadline - monotonicSeconds()
            if remaining <= 0 { return [] }
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(remaining * 1000, Double(Int32.max)).rounded(.up)))
            if ready < 0 {
                if errno == EINTR { continue }
                throw PostgresError(.connection, "poll on the PostgreSQL socket failed: \(String(cString: strerror(errno)))")
            }
            if ready == 0 { return [] }
            if PQconsumeInput(handle) == 0 || PQstatus(handle) != CONNECTION_OK {
                markBroken()
                throw PostgresError(.connection, "connection to PostgreSQL lost while waiting for notifications: \(Self.errorMessage(handle))")
            }
            received = drainNotifications()
            if !received.isEmpty { return received }
        }
    }

    private func drainNotifications() -> [PostgresNotification] {
        var received: [PostgresNotification] = []
        while let notification = PQnotifies(handle) {
            received.append(PostgresNotification(
                channel: String(cString: notification.pointee.relname),
                payload: notification.pointee.extra.map { String(cString: $0) } ?? "",
                senderProcessID: notification.pointee.be_pid))
            PQfreemem(notification)
        }
        return received
    }

    func relistenAfterReconnect() throws {
        for action in listenState.sessionReestablished() {
            guard case .sendListen(let name) = action else { continue }
            do {
                try runScript("LISTEN " + escapeIdentifier(name))
                listenState.listenSucceeded(name)
            } catch {
                listenState.listenFailed(name)
                throw error
            }
        }
    }
}
