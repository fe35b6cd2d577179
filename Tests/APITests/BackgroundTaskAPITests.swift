import API
import HTTP
import Postgres
import Tasks
import XCTest

/// `/api/background-task/` over a real task queue: tasks put in each state by the queue's own statements.
final class BackgroundTaskAPITests: APITestCase {
    var admin: [(String, String)] { [basic("admin", "inventree")] }

    override func loadData(_ connection: PostgresConnection) throws {
        try super.loadData(connection)
        _ = try connection.runScript("TRUNCATE task_queue, task_schedule RESTART IDENTITY")
    }

    /// Four tasks: 1 waiting, 2 running (claimed), 3 failed with its context, 4 waiting but delayed; and the periodic
    /// `maintenance.ping` scheduled, its task 5 waiting.
    func makeQueue() throws {
        try pool.withConnection { connection in
            try TaskQueue.enqueue(on: connection, name: "email.send", arguments: #"{"to":["a@example.com"]}"#)
            try TaskQueue.enqueue(on: connection, name: "report.print", arguments: "[1,2]")
            try TaskQueue.enqueue(on: connection, name: "email.send", arguments: "{}", options: .init(maxAttempts: 1))
            try TaskQueue.enqueue(on: connection, name: "later", options: .init(delay: .seconds(600)))
            let claimed = try TaskLeases.claim(on: connection, queues: ["default"], limit: 3, owner: "host:1",
                                               lease: .seconds(60))
            XCTAssertEqual(claimed.map(\.id), [1, 2, 3])
            // Task 1 goes back to waiting; task 3 fails for good.
            try TaskLeases.settle(.release(delay: .zero), task: claimed[0], owner: "host:1", on: connection)
            try TaskLeases.settle(.fail(error: "SMTP 550 mailbox unavailable", context: "RCPT TO <a@example.com>"),
                                  task: claimed[2], owner: "host:1", on: connection)
            XCTAssertEqual(try TaskLeases.schedule(PeriodicTask(name: "maintenance.ping", interval: .seconds(3600)),
                                                   maxAttempts: 3, on: connection), 5)
        }
    }

    func testOnlyStaffSeeTheQueue() throws {
        XCTAssertEqual(send(.GET, "/api/background-task/").status, 401)
        for path in ["", "pending/", "scheduled/", "failed/"] {
            let refused = send(.GET, "/api/background-task/" + path, headers: [basic("allaccess", "nolimits")])
            XCTAssertEqual(refused.status, 403, path)
            XCTAssertEqual(try json(refused)["detail"], .string("You do not have permission to perform this action."))
        }
        XCTAssertEqual(send(.DELETE, "/api/background-task/failed/", headers: [basic("allaccess", "nolimits")],
                            body: #"{"items":[1]}"#).status, 403)
        XCTAssertEqual(send(.POST, "/api/background-task/", headers: admin).status, 405)
    }

    func testOverviewCountsTheQueueAndLiveWorkers() throws {
        try makeQueue()
        let empty = try json(send(.GET, "/api/background-task/", headers: admin))
        XCTAssertEqual(Set(keys(empty)), ["is_running", "pending_tasks", "scheduled_tasks", "failed_tasks"])
        XCTAssertEqual(empty["is_running"], .bool(false))
        XCTAssertEqual(empty["pending_tasks"], .int(4))
        XCTAssertEqual(empty["scheduled_tasks"], .int(1))
        XCTAssertEqual(empty["failed_tasks"], .int(1))
        try pool.withConnection { _ = try $0.execute("INSERT INTO daemon_instances (kind, host, pid) VALUES ('worker', 'h', 7)") }
        XCTAssertEqual(try json(send(.GET, "/api/background-task/", headers: admin))["is_running"], .bool(true))
        // /api/ counts the same tasks, as InvenTree counts django-q's queue for both.
        XCTAssertEqual(try json(send(.GET, "/api/", headers: admin))["worker_pending_tasks"], .int(4))
    }

    func testPendingListHasInvenTreesFieldsAndPages() throws {
        try makeQueue()
        guard case .array(let all) = try json(send(.GET, "/api/background-task/pending/", headers: admin)) else {
            return XCTFail("expected a bare list without limit")
        }
        XCTAssertEqual(all.map { $0["pk"] }, [1, 2, 4, 5].map { .int($0) })
        XCTAssertEqual(Set(keys(all.first)), ["pk", "key", "lock", "task_id", "name", "func", "args", "kwargs"])
        XCTAssertEqual(all[0]["func"], .string("email.send"))
        XCTAssertEqual(all[0]["key"], .string("default"))
        XCTAssertEqual(all[0]["task_id"], .string("1"))
        XCTAssertEqual(all[0]["kwargs"], .string(#"{"to": ["a@example.com"]}"#))
        XCTAssertEqual(all[0]["args"], .string("[]"))
        XCTAssertEqual(all[1]["args"], .string("[1, 2]"))
        XCTAssertEqual(all[1]["kwargs"], .string("{}"))
        XCTAssertEqual(all[1]["lock"]?.stringValue?.hasSuffix("Z"), true)
        XCTAssertEqual(all[1]["lock"]?.stringValue?.count ?? 0 >= 20, true)
        let page = try json(send(.GET, "/api/background-task/pending/?limit=2&offset=2", headers: admin))
        XCTAssertEqual(page["count"], .int(4))
        XCTAssertEqual(page["next"], .null)
        XCTAssertEqual(page["previous"], .string("http://testserver/api/background-task/pending/?limit=2"))
        guard case .array(let results)? = page["results"] else { return XCTFail("no results") }
        XCTAssertEqual(results.map { $0["pk"] }, [.int(4), .int(5)])
    }

    func testScheduledListShowsThePeriodicTasksWithTheirNextRun() throws {
        try makeQueue()
        guard case .array(let all) = try json(send(.GET, "/api/background-task/scheduled/", headers: admin)),
              let schedule = all.first else { return XCTFail("expected one schedule") }
        XCTAssertEqual(all.count, 1)
        XCTAssertEqual(Set(keys(schedule)), ["pk", "name", "func", "args", "kwargs", "schedule_type", "repeats", "last_run",
                                        "next_run", "success", "task"])
        XCTAssertEqual(schedule["func"], .string("maintenance.ping"))
        XCTAssertEqual(schedule["schedule_type"], .string("H"))
        XCTAssertEqual(schedule["repeats"], .int(-1))
        XCTAssertEqual(schedule["task"], .string("5"))
        XCTAssertEqual(schedule["last_run"], .null)
        XCTAssertEqual(schedule["success"], .null)
        let nextRun: String = try pool.withConnection { connection in
            try connection.query("""
                SELECT to_char((period_start + interval '1 hour') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                FROM task_schedule
                """).singleRow().decode(0)
        }
        XCTAssertEqual(schedule["next_run"], .string(nextRun))
        guard case .array(let none) = try json(send(.GET, "/api/background-task/scheduled/?search=email", headers: admin))
        else { return XCTFail("expected a list") }
        XCTAssertTrue(none.isEmpty)
    }

    func testFailedTasksShowTheirErrorAndCanBeRetried() throws {
        try makeQueue()
        guard case .array(let failed) = try json(send(.GET, "/api/background-task/failed/", headers: admin)),
              let task = failed.first else { return XCTFail("expected one failed task") }
        XCTAssertEqual(Set(keys(task)), ["pk", "name", "func", "args", "kwargs", "started", "stopped", "attempt_count", "result"])
        XCTAssertEqual(task["pk"], .string("3"))
        XCTAssertEqual(task["attempt_count"], .int(1))
        XCTAssertEqual(task["result"], .string("SMTP 550 mailbox unavailable\nRCPT TO <a@example.com>"))
        XCTAssertNotEqual(task["stopped"], .null)
        guard case .array(let searched) = try json(send(.GET, "/api/background-task/failed/?search=report", headers: admin))
        else { return XCTFail("expected a list") }
        XCTAssertTrue(searched.isEmpty)

        // Only a failed task can be retried; afterwards it waits with its attempts counted afresh.
        XCTAssertEqual(send(.POST, "/api/background-task/failed/1/retry/", headers: admin).status, 404)
        XCTAssertEqual(send(.POST, "/api/background-task/failed/3/retry/", headers: [basic("allaccess", "nolimits")]).status, 403)
        let retried = send(.POST, "/api/background-task/failed/3/retry/", headers: admin)
        XCTAssertEqual(retried.status, 200)
        XCTAssertEqual(try json(retried)["pk"], .int(3))
        let row = try pool.withConnection { try TaskQueue.find(on: $0, id: 3) }
        XCTAssertEqual(row?.state, "available")
        XCTAssertEqual(row?.attempt, 0)
        XCTAssertEqual(try json(send(.GET, "/api/background-task/", headers: admin))["failed_tasks"], .int(0))
    }

    func testBulkDeleteAsInvenTreeWithoutTouchingRunningTasks() throws {
        try makeQueue()
        let empty = send(.DELETE, "/api/background-task/failed/", headers: admin, body: "{}")
        XCTAssertEqual(empty.status, 400)
        XCTAssertEqual(try json(empty)["non_field_errors"],
                       .array([.string("List of items or filters must be provided for bulk operation")]))
        XCTAssertEqual(try json(send(.DELETE, "/api/background-task/failed/", headers: admin,
                                     body: #"{"filters":{"state":"failed"}}"#))["non_field_errors"],
                       .array([.string("Invalid filters provided")]))
        // Task 1 is not failed: the failed list does not delete it.
        let notFailed = send(.DELETE, "/api/background-task/failed/", headers: admin, body: #"{"items":[1]}"#)
        XCTAssertEqual(try json(notFailed)["non_field_errors"], .array([.string("No items found to delete")]))
        XCTAssertEqual(send(.DELETE, "/api/background-task/failed/", headers: admin, body: #"{"items":["3"]}"#).status, 204)
        // Task 2 is running: it stays; the waiting e-mail goes.
        XCTAssertEqual(send(.DELETE, "/api/background-task/pending/", headers: admin, body: #"{"items":[2]}"#).status, 400)
        XCTAssertEqual(send(.DELETE, "/api/background-task/pending/", headers: admin,
                            body: #"{"filters":{"func":"email.send"}}"#).status, 204)
        let remaining = try pool.withConnection { connection in
            try TaskQueue.page(on: connection, TaskQueue.Selection(states: TaskState.allCases)).rows.map(\.id)
        }
        XCTAssertEqual(remaining, [2, 4, 5])
    }
}
