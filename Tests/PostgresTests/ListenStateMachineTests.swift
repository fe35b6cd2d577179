@testable import Postgres
import XCTest

final class ListenStateMachineTests: XCTestCase {
    func testListenIsSentOnceAndUnlistenOnlyForActiveChannels() {
        var state = ListenStateMachine()
        XCTAssertEqual(state.listenRequested("jobs"), .sendListen("jobs"))
        XCTAssertEqual(state.listenRequested("jobs"), .none, "already starting")
        state.listenSucceeded("jobs")
        XCTAssertEqual(state.listenRequested("jobs"), .none, "already listening")
        XCTAssertEqual(state.unlistenRequested("other"), .none)
        XCTAssertEqual(state.unlistenRequested("jobs"), .sendUnlisten("jobs"))
        XCTAssertEqual(state.unlistenRequested("jobs"), .none, "already stopping")
        XCTAssertEqual(state.activeChannels, [])
        state.unlistenFinished("jobs")
        XCTAssertEqual(state.listenRequested("jobs"), .sendListen("jobs"))
    }

    func testFailedListenIsForgotten() {
        var state = ListenStateMachine()
        XCTAssertEqual(state.listenRequested("a"), .sendListen("a"))
        state.listenFailed("a")
        XCTAssertEqual(state.activeChannels, [])
        XCTAssertEqual(state.listenRequested("a"), .sendListen("a"))
    }

    func testNewSessionListensAgainOnActiveChannelsOnly() {
        var state = ListenStateMachine()
        for channel in ["b", "a", "c"] {
            _ = state.listenRequested(channel)
            state.listenSucceeded(channel)
        }
        _ = state.unlistenRequested("c")
        XCTAssertEqual(state.sessionReestablished(), [.sendListen("a"), .sendListen("b")])
        XCTAssertEqual(state.activeChannels, ["a", "b"])
        XCTAssertEqual(state.listenRequested("a"), .none, "re-listen in progress")
        state.listenSucceeded("a")
        state.listenSucceeded("b")
        XCTAssertEqual(state.unlistenRequested("b"), .sendUnlisten("b"))
    }
}

final class PreparedStatementCacheTests: XCTestCase {
    func testStatementIsPreparedOnItsSecondUseThenExecutedByName() {
        var cache = PreparedStatementCache()
        XCTAssertEqual(cache.plan(for: "SELECT 1", prepareNow: false), .unprepared)
        guard case .prepare(let name) = cache.plan(for: "SELECT 1", prepareNow: false) else {
            return XCTFail("second use prepares")
        }
        cache.didPrepare("SELECT 1", name: name)
        XCTAssertEqual(cache.plan(for: "SELECT 1", prepareNow: false), .execute(name: name))
        XCTAssertEqual(cache.plan(for: "SELECT 1", prepareNow: true), .execute(name: name))
    }

    func testExplicitPreparationHappensOnFirstUseWithDistinctNames() {
        var cache = PreparedStatementCache()
        guard case .prepare(let first) = cache.plan(for: "A", prepareNow: true),
              case .prepare(let second) = cache.plan(for: "B", prepareNow: true)
        else { return XCTFail("first use prepares") }
        XCTAssertNotEqual(first, second)
    }

    func testCapacityLimitsPreparedStatementsAndForgettingFreesASlot() {
        var cache = PreparedStatementCache(capacity: 2)
        for sql in ["A", "B"] {
            guard case .prepare(let name) = cache.plan(for: sql, prepareNow: true) else { return XCTFail() }
            cache.didPrepare(sql, name: name)
        }
        XCTAssertEqual(cache.plan(for: "C", prepareNow: true), .unprepared)
        XCTAssertNotNil(cache.forget("A"))
        guard case .prepare = cache.plan(for: "C", prepareNow: true) else { return XCTFail("a slot was freed") }
        cache.reset()
        XCTAssertEqual(cache.plan(for: "B", prepareNow: false), .unprepared, "a new session has nothing prepared")
    }
}
