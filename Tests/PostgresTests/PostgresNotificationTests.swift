import Foundation
import Postgres
import XCTest

final class PostgresNotificationTests: PostgresTestCase {
    func testNotificationsWithPayloadsArriveInOrderOnQuotedChannels() throws {
        let listener = try connect(), sender = try connect()
        try listener.listen("Stock Changes")
        try listener.listen("Stock Changes")
        try listener.listen("parts")
        XCTAssertEqual(listener.listeningChannels, ["Stock Changes", "parts"])
        try sender.notify("Stock Changes", payload: "part 7: 'quantity' = 3")
        try sender.notify("parts", payload: "")
        try sender.notify("other", payload: "not for us")
        try sender.notify("Stock Changes", payload: "日本")

        var received: [PostgresNotification] = []
        let deadline = Date().addingTimeInterval(5)
        while received.count < 3, Date() < deadline {
            received += try listener.waitForNotifications(timeout: 1)
        }
        XCTAssertEqual(received.map(\.channel), ["Stock Changes", "parts", "Stock Changes"])
        XCTAssertEqual(received.map(\.payload), ["part 7: 'quantity' = 3", "", "日本"])
        XCTAssertEqual(Set(received.map(\.senderProcessID)), [sender.serverProcessID])
    }

    func testWaitTimesOutWithNothing() throws {
        let listener = try connect()
        try listener.listen("quiet")
        let start = Date()
        XCTAssertEqual(try listener.waitForNotifications(timeout: 0.3), [])
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertGreaterThanOrEqual(elapsed, 0.29)
        XCTAssertLessThan(elapsed, 2)
    }

    func testNotificationArrivesWhileWaiting() throws {
        let listener = try connect()
        try listener.listen("wake")
        let url = databaseURL
        let sender = Thread {
            usleep(200_000)
            _ = try? PostgresConnection(url).notify("wake", payload: "now")
        }
        sender.start()
        let start = Date()
        let received = try listener.waitForNotifications(timeout: 5)
        XCTAssertEqual(received.map(\.payload), ["now"])
        XCTAssertLessThan(Date().timeIntervalSince(start), 3)
    }

    func testUnlistenStopsDeliveryAndNotifyInATransactionWaitsForCommit() throws {
        let listener = try connect(), sender = try connect()
        try listener.listen("a")
        try listener.listen("b")
        try listener.unlisten("a")
        XCTAssertEqual(listener.listeningChannels, ["b"])
        try sender.transaction { tx in
            try tx.notify("a", payload: "1")
            try tx.notify("b", payload: "2")
            XCTAssertEqual(try listener.waitForNotifications(timeout: 0.2), [], "not delivered before COMMIT")
        }
        XCTAssertEqual(try listener.waitForNotifications(timeout: 5).map(\.payload), ["2"])
        XCTAssertEqual(try listener.waitForNotifications(timeout: 0.2), [])
    }

    func testListenerReconnectsAndListensAgainAfterItsSessionIsTerminated() throws {
        let listener = try connect(), admin = try connect()
        try listener.listen("jobs")
        let oldPID = listener.serverProcessID
        XCTAssertEqual(try admin.query("SELECT pg_terminate_backend($1::int) AS done", [oldPID]).singleRow().decode("done", as: Bool.self), true)
        let error = expectPostgresError { _ = try listener.waitForNotifications(timeout: 5) }
        XCTAssertEqual(error?.kind, .connection)
        XCTAssertTrue(listener.isBroken)

        try listener.reconnect()
        XCTAssertNotEqual(listener.serverProcessID, oldPID)
        XCTAssertEqual(listener.listeningChannels, ["jobs"])
        try admin.notify("jobs", payload: "after reconnect")
        XCTAssertEqual(try listener.waitForNotifications(timeout: 5).map(\.payload), ["after reconnect"])
    }
}
