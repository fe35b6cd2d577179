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
    private let int8: [PostgresTypeID] = [PostgresType.int8]
    private let noNulls: (Int) -> Bool = { _ in false }

    func testStatementIsPreparedOnItsSecondUseThenExecutedByName() {
        var cache = PreparedStatementCache()
        XCTAssertEqual(cache.plan(for: "SELECT $1", types: int8, isNull: noNulls, prepareNow: false), .unprepared)
        guard case .prepare(let name) = cache.plan(for: "SELECT $1", types: int8, isNull: noNulls, prepareNow: false) else {
            return XCTFail("second use prepares")
        }
        cache.didPrepare("SELECT $1", name: name, types: int8)
        XCTAssertEqual(cache.plan(for: "SELECT $1", types: int8, isNull: noNulls, prepareNow: false), .execute(name: name))
        XCTAssertEqual(cache.plan(for: "SELECT $1", types: int8, isNull: noNulls, prepareNow: true), .execute(name: name))
        XCTAssertEqual(cache.plan(for: "SELECT $1", types: [0], isNull: { _ in true }, prepareNow: false), .execute(name: name),
                       "a NULL fits any prepared type")
    }

    func testOtherParameterTypesGetAVariantOfTheirOwn() {
        var cache = PreparedStatementCache()
        guard case .prepare(let integer) = cache.plan(for: "UPDATE t SET n = $1", types: int8, isNull: noNulls, prepareNow: true) else {
            return XCTFail()
        }
        cache.didPrepare("UPDATE t SET n = $1", name: integer, types: int8)
        let float8 = [PostgresType.float8]
        guard case .prepare(let double) = cache.plan(for: "UPDATE t SET n = $1", types: float8, isNull: noNulls, prepareNow: false) else {
            return XCTFail("a Double does not reuse the bigint statement")
        }
        cache.didPrepare("UPDATE t SET n = $1", name: double, types: float8)
        XCTAssertNotEqual(integer, double)
        XCTAssertEqual(cache.plan(for: "UPDATE t SET n = $1", types: float8, isNull: noNulls, prepareNow: false), .execute(name: double))
        XCTAssertEqual(cache.plan(for: "UPDATE t SET n = $1", types: int8, isNull: noNulls, prepareNow: false), .execute(name: integer))
    }

    func testCapacityLimitsPreparedStatementsAndForgettingFreesASlot() {
        var cache = PreparedStatementCache(capacity: 2)
        var names: [String: String] = [:]
        for sql in ["A", "B"] {
            guard case .prepare(let name) = cache.plan(for: sql, types: [], isNull: noNulls, prepareNow: true) else { return XCTFail() }
            cache.didPrepare(sql, name: name, types: [])
            names[sql] = name
        }
        XCTAssertEqual(cache.plan(for: "C", types: [], isNull: noNulls, prepareNow: true), .unprepared)
        cache.forget("A", name: names["A"] ?? "")
        guard case .prepare = cache.plan(for: "C", types: [], isNull: noNulls, prepareNow: true) else { return XCTFail("a slot was freed") }
        cache.reset()
        XCTAssertEqual(cache.plan(for: "B", types: [], isNull: noNulls, prepareNow: false), .unprepared, "a new session has nothing prepared")
    }
}
