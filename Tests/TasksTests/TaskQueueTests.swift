import Postgres
@testable import Tasks
import XCTest

final class TaskQueueTests: TasksDatabaseTestCase {
    func testATaskEnqueuedInARolledBackTransactionNeverExistsAndOneCommittedWakesListeners() throws {
        let listener = try PostgresConnection(databaseURL)
        try listener.listen(TaskQueue.channel)
        struct Abort: Error {}
        XCTAssertThrowsError(try connection.transaction { connection in
            try TaskQueue.enqueue(on: connection, name: "test.record")
            throw Abort()
        })
        XCTAssertEqual(try count("SELECT count(*) FROM task_queue"), 0)
        XCTAssertEqual(try listener.waitForNotifications(timeout: 0.3), [], "a rolled-back enqueue must not notify")

        let id = try connection.transaction { connection -> Int64? in
            let id = try TaskQueue.enqueue(on: connection, name: "test.record", arguments: #"{"x": 1}"#)
            XCTAssertEqual(try listener.waitForNotifications(timeout: 0.2), [], "the NOTIFY waits for the commit")
            return id
        }
        let notifications = try listener.waitForNotifications(timeout: 2)
        XCTAssertEqual(notifications.map(\.channel), [TaskQueue.channel])
        XCTAssertEqual(notifications.first?.payload, "default")
        let row = try XCTUnwrap(try TaskQueue.find(on: connection, id: try XCTUnwrap(id)))
        XCTAssertEqual(row.state, "available")
        XCTAssertEqual(row.arguments, #"{"x": 1}"#)
    }

    func testAUniqueKeyMakesASecondEnqueueANoOpWhileTheFirstIsPending() throws {
        let options = TaskQueue.Options(uniqueKey: "report:7")
        let first = try TaskQueue.enqueue(on: connection, name: "test.record", options: options)
        XCTAssertNotNil(first)
        XCTAssertNil(try TaskQueue.enqueue(on: connection, name: "test.record", options: options))
        let claimed = try TaskLeases.claim(on: connection, queues: ["default"], limit: 10, owner: "w1", lease: .seconds(30))
        XCTAssertEqual(claimed.map(\.id), [first!])
        XCTAssertNil(try TaskQueue.enqueue(on: connection, name: "test.record", options: options), "running counts as pending")
        XCTAssertTrue(try TaskLeases.settle(.complete(result: nil), task: claimed[0], owner: "w1", on: connection))
        XCTAssertNotNil(try TaskQueue.enqueue(on: connection, name: "test.record", options: options), "finished work may be enqueued again")
    }

    func testClaimTakesHigherPriorityFirstThenOldestAndSkipsTasksNotDueOrOfOtherQueues() throws {
        let low = try TaskQueue.enqueue(on: connection, name: "a")!
        let high = try TaskQueue.enqueue(on: connection, name: "b", options: .init(priority: 10))!
        let later = try TaskQueue.enqueue(on: connection, name: "c")!
        _ = try TaskQueue.enqueue(on: connection, name: "d", options: .init(delay: .seconds(60)))
        _ = try TaskQueue.enqueue(on: connection, name: "e", options: .init(queue: "reports"))
        let claimed = try TaskLeases.claim(on: connection, queues: ["default"], limit: 10, owner: "w1", lease: .seconds(30))
        XCTAssertEqual(claimed.map(\.id), [high, low, later])
        XCTAssertEqual(claimed.map(\.attempt), [1, 1, 1])
        let other = try TaskLeases.claim(on: connection, queues: ["reports"], limit: 10, owner: "w2", lease: .seconds(30))
        XCTAssertEqual(other.map(\.name), ["e"])
    }

    func testConcurrentClaimsNeverTakeTheSameTask() throws {
        for _ in 0..<200 { try TaskQueue.enqueue(on: connection, name: "test.record") }
        let group = DispatchGroup()
        final class Collected: @unchecked Sendable {
            let lock = NSLock()
            var all: [Int64] = []
            var failures: [String] = []
        }
        let collected = Collected()
        for worker in 0..<4 {
            group.enter()
            Thread.detachNewThread { [databaseURL] in
                defer { group.leave() }
                do {
                    let connection = try PostgresConnection(databaseURL!)
                    while true {
                        let claimed = try TaskLeases.claim(on: connection, queues: ["default"], limit: 7,
                                                           owner: "w\(worker)", lease: .seconds(30))
                        if claimed.isEmpty { break }
                        collected.lock.lock(); collected.all += claimed.map(\.id); collected.lock.unlock()
                    }
                } catch {
                    collected.lock.lock(); collected.failures.append("\(error)"); collected.lock.unlock()
                }
            }
        }
        group.wait()
        XCTAssertEqual(collected.failures, [])
        XCTAssertEqual(collected.all.count, 200)
        XCTAssertEqual(Set(collected.all).count, 200)
    }

    func testCompletionIsConditionalOnHoldingTheLeaseSoARescuedTaskIsNotCompletedTwice() throws {
        let id = try TaskQueue.enqueue(on: connection, name: "test.record")!
        let first = try XCTUnwrap(TaskLeases.claim(on: connection, queues: ["default"], limit: 1, owner: "w1", lease: .seconds(1)).first)
        usleep(1_100_000)
        XCTAssertEqual(try TaskLeases.renew(on: connection, tasks: [(first.id, first.attempt)], owner: "w1", lease: .seconds(30)),
                       [id], "renewal before a rescue still holds")
        try connection.execute("UPDATE task_queue SET lease_expires_at = now() - interval '1 second' WHERE id = $1", [id])
        XCTAssertEqual(try TaskLeases.rescueExpired(on: connection), 1)
        let row = try XCTUnwrap(TaskQueue.find(on: connection, id: id))
        XCTAssertEqual(row.state, "available")
        XCTAssertTrue(row.lastError?.contains("expired") ?? false, row.lastError ?? "no error")
        let second = try XCTUnwrap(TaskLeases.claim(on: connection, queues: ["default"], limit: 1, owner: "w2", lease: .seconds(30)).first)
        XCTAssertEqual(second.attempt, 2)
        XCTAssertFalse(try TaskLeases.settle(.complete(result: "late"), task: first, owner: "w1", on: connection))
        XCTAssertEqual(try TaskLeases.renew(on: connection, tasks: [(first.id, first.attempt)], owner: "w1", lease: .seconds(30)), [])
        // Even the same owner cannot complete an older attempt of its own.
        let sameOwnerOldAttempt = ClaimedTask(id: id, name: second.name, arguments: "{}", attempt: 1, maxAttempts: 5, waitSeconds: 0)
        XCTAssertFalse(try TaskLeases.settle(.complete(result: "late"), task: sameOwnerOldAttempt, owner: "w2", on: connection))
        XCTAssertTrue(try TaskLeases.settle(.complete(result: "ok"), task: second, owner: "w2", on: connection))
        XCTAssertEqual(try TaskQueue.find(on: connection, id: id)?.result, "ok")
    }

    func testRetryFailAndReleaseUpdateTheRow() throws {
        let id = try TaskQueue.enqueue(on: connection, name: "x", options: .init(maxAttempts: 2))!
        var task = try XCTUnwrap(TaskLeases.claim(on: connection, queues: ["default"], limit: 1, owner: "w", lease: .seconds(30)).first)
        XCTAssertTrue(try TaskLeases.settle(.release(delay: .zero), task: task, owner: "w", on: connection))
        XCTAssertEqual(try TaskQueue.find(on: connection, id: id)?.attempt, 0, "a release does not count the attempt")
        task = try XCTUnwrap(TaskLeases.claim(on: connection, queues: ["default"], limit: 1, owner: "w", lease: .seconds(30)).first)
        XCTAssertTrue(try TaskLeases.settle(.retry(delay: .seconds(60), error: "e1", context: "c1"), task: task, owner: "w", on: connection))
        XCTAssertEqual(try TaskLeases.claim(on: connection, queues: ["default"], limit: 1, owner: "w", lease: .seconds(30)), [],
                       "a retry waits for its back-off")
        try connection.execute("UPDATE task_queue SET run_after = now() WHERE id = $1", [id])
        task = try XCTUnwrap(TaskLeases.claim(on: connection, queues: ["default"], limit: 1, owner: "w", lease: .seconds(30)).first)
        XCTAssertEqual(task.attempt, 2)
        XCTAssertTrue(try TaskLeases.settle(.fail(error: "e2", context: "c2"), task: task, owner: "w", on: connection))
        let row = try XCTUnwrap(TaskQueue.find(on: connection, id: id))
        XCTAssertEqual([row.state, row.lastError, row.errorContext], ["failed", "e2", "c2"])
        XCTAssertNotNil(row.finishedAt)
        XCTAssertTrue(try TaskQueue.retry(on: connection, id: id))
        XCTAssertEqual(try TaskQueue.find(on: connection, id: id)?.state, "available")
        XCTAssertFalse(try TaskQueue.retry(on: connection, id: id), "only failed tasks are retried")
        XCTAssertTrue(try TaskQueue.delete(on: connection, id: id))
        XCTAssertNil(try TaskQueue.find(on: connection, id: id))
    }

    func testAnExpiredLeaseOnTheLastAttemptFailsTheTask() throws {
        let id = try TaskQueue.enqueue(on: connection, name: "x", options: .init(maxAttempts: 1))!
        _ = try TaskLeases.claim(on: connection, queues: ["default"], limit: 1, owner: "w", lease: .seconds(30))
        try connection.execute("UPDATE task_queue SET lease_expires_at = now() - interval '1 second' WHERE id = $1", [id])
        XCTAssertEqual(try TaskLeases.rescueExpired(on: connection), 1)
        XCTAssertEqual(try TaskQueue.find(on: connection, id: id)?.state, "failed")
    }

    func testAPeriodicTaskIsEnqueuedOncePerPeriodAndMissedPeriodsAreNotReplayed() throws {
        let periodic = PeriodicTask(name: "tick", interval: .seconds(3600))
        let first = try TaskLeases.schedule(periodic, maxAttempts: 1, on: connection)
        XCTAssertNotNil(first)
        XCTAssertNil(try TaskLeases.schedule(periodic, maxAttempts: 1, on: connection))
        let task = try XCTUnwrap(TaskLeases.claim(on: connection, queues: ["default"], limit: 1, owner: "w", lease: .seconds(30)).first)
        XCTAssertTrue(try TaskLeases.settle(.complete(result: nil), task: task, owner: "w", on: connection))
        XCTAssertNil(try TaskLeases.schedule(periodic, maxAttempts: 1, on: connection), "a finished period is not enqueued again")
        // A worker that was down for three periods enqueues the current one once, not the three it missed.
        try connection.execute("UPDATE task_schedule SET period_start = period_start - interval '3 hours'")
        XCTAssertNotNil(try TaskLeases.schedule(periodic, maxAttempts: 1, on: connection))
        XCTAssertNil(try TaskLeases.schedule(periodic, maxAttempts: 1, on: connection))
        XCTAssertEqual(try count("SELECT count(*) FROM task_queue WHERE name = 'tick'"), 2)
        let key: String = try connection.query("SELECT unique_key FROM task_queue WHERE id = $1", [first!]).singleRow().decode(0)
        XCTAssertTrue(key.hasPrefix("tick:") && key.hasSuffix(":00:00Z"), key)
    }
}
