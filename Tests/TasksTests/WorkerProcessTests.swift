import Glibc
import Postgres
import Tasks
import TestSupport
import XCTest

/// Real worker processes sharing one queue.
final class WorkerProcessTests: TasksDatabaseTestCase {
    private var started: [WorkerProcess] = []

    override func tearDownWithError() throws {
        if (testRun?.failureCount ?? 0) > 0 {
            for worker in started {
                print("--- worker \(worker.pid) stderr:\n\(worker.process.standardError.suffix(4000))")
            }
        }
        started = []
        try super.tearDownWithError()
    }

    func startWorkers(_ count: Int, redisURL: String? = nil, settings: [String: String] = [:]) throws -> [WorkerProcess] {
        let workers = try (0..<count).map { _ in
            try WorkerProcess(databaseURL: databaseURL, redisURL: redisURL ?? environment.redisURL,
                              scratch: environment.scratchDirectory, settings: settings)
        }
        started += workers
        for worker in workers { try worker.waitUntilReady() }
        return workers
    }

    func enqueue(_ count: Int, name: String = "test.record", arguments: String = "{}", maxAttempts: Int = 10) throws -> [Int64] {
        try connection.transaction { connection in
            try (0..<count).map { _ in
                try XCTUnwrap(TaskQueue.enqueue(on: connection, name: name, arguments: arguments,
                                                options: .init(maxAttempts: maxAttempts)))
            }
        }
    }

    func waitForAll(_ state: String, count expected: Int, timeout: Double) throws {
        let done = try eventually(timeout: timeout) {
            try count("SELECT count(*) FROM task_queue WHERE state = $1 AND name LIKE 'test.%'", [state]) == expected
        }
        if !done {
            let states = try connection.query("SELECT name || ' ' || state || ':' || count(*) FROM task_queue GROUP BY name, state").map { try $0.decode(0, as: String.self) }
            let stuck = try connection.query("""
                SELECT id || ' attempt ' || attempt || ' run_after-now ' || (run_after - now()) || ' ' || coalesce(last_error, '')
                FROM task_queue WHERE state <> $1 AND name LIKE 'test.%' LIMIT 5
                """, [state]).map { try $0.decode(0, as: String.self) }
            let metrics = started.filter { $0.process.isRunning }.map { (try? $0.control("/metrics")) ?? "" }
                .map { $0.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: "; ") }
            XCTFail("not every task is \(state) after \(timeout) s: \(states)\nstuck: \(stuck)\nmetrics: \(metrics)")
        }
    }

    func test5000TasksOverThreeWorkerProcessesEachRunExactlyOnce() throws {
        let workers = try startWorkers(3)
        let ids = try enqueue(5000)
        try waitForAll("succeeded", count: 5000, timeout: 120)
        XCTAssertEqual(try count("SELECT count(*) FROM test_task_runs"), 5000)
        XCTAssertEqual(try count("SELECT count(DISTINCT task_id) FROM test_task_runs WHERE task_id = ANY($1::bigint[])",
                                 ["{" + ids.map(String.init).joined(separator: ",") + "}"]), 5000)
        let pids = try connection.query("SELECT DISTINCT pid FROM test_task_runs").map { try $0.decode(0, as: Int32.self) }
        XCTAssertEqual(Set(pids), Set(workers.map(\.pid)), "every worker took a share")
        XCTAssertEqual(try count("SELECT count(*) FROM task_queue WHERE attempt <> 1 AND name LIKE 'test.%'"), 0)

        let metrics = try workers[0].control("/metrics")
        XCTAssertTrue(metrics.contains("stockroom_tasks_succeeded_total{daemon=\"tasks-fixture\"}"), metrics)
        XCTAssertTrue(metrics.contains("stockroom_tasks_claim_latency_seconds"), metrics)
        XCTAssertTrue(workers[0].notifications.waitFor("STATUS=", timeout: 3))
        XCTAssertTrue(workers[0].notifications.assignments.contains { $0.hasPrefix("STATUS=running") && $0.contains("pending") },
                      "\(workers[0].notifications.assignments)")
        for worker in workers { XCTAssertEqual(try worker.stop(), .exited(0)) }
    }

    /// Kills one of three workers with SIGKILL while tasks run; returns the killed pid.
    func killOneWorkerMidTasks(redisURL: String? = nil, exclusive: Int = 0) throws -> Int32 {
        let workers = try startWorkers(3, redisURL: redisURL)
        _ = try enqueue(600, arguments: #"{"sleep_ms": 20}"#)
        if exclusive > 0 { _ = try enqueue(exclusive, name: "test.exclusive", arguments: #"{"sleep_ms": 10}"#) }
        let victim = workers[1]
        XCTAssertTrue(try eventually(timeout: 30) {
            try count("SELECT count(*) FROM test_task_runs WHERE pid = $1", [Int(victim.pid)]) >= 40
        })
        victim.process.signal(SIGKILL)
        XCTAssertEqual(try victim.process.wait(timeout: 10), .signaled(SIGKILL))
        try waitForAll("succeeded", count: 600 + exclusive, timeout: 90)
        XCTAssertEqual(try count("SELECT count(DISTINCT task_id) FROM test_task_runs"), 600 + exclusive, "no task lost")
        // Only tasks the killed worker had started may have run twice, and the second run is another worker's.
        let rerun = try connection.query("""
            SELECT task_id, array_agg(pid ORDER BY id)::text FROM test_task_runs GROUP BY task_id HAVING count(*) > 1
            """).map { (try $0.decode(0, as: Int64.self), try $0.decode(1, as: String.self)) }
        for (task, pids) in rerun {
            XCTAssertTrue(pids.hasPrefix("{\(victim.pid),"), "task \(task) ran more than once without the killed worker: \(pids)")
        }
        XCTAssertLessThanOrEqual(rerun.count, 4 + 8, "at most the killed worker's threads and prefetch")
        for worker in workers where worker !== victim { XCTAssertEqual(try worker.stop(), .exited(0)) }
        return victim.pid
    }

    func testAWorkerKilledWithSIGKILLMidTasksLosesNone() throws {
        _ = try killOneWorkerMidTasks()
    }

    func testWithRedisDownAKilledWorkerLosesNoneAndExclusiveTasksNeverOverlap() throws {
        let missing = "unix://\(environment.scratchDirectory)/no-such-redis.sock"
        _ = try killOneWorkerMidTasks(redisURL: missing, exclusive: 40)
        XCTAssertEqual(try count("""
            SELECT count(*) FROM test_exclusive_spans a JOIN test_exclusive_spans b ON a.task_id < b.task_id
            WHERE a.started < b.finished AND b.started < a.finished
            """), 0, "exclusive runs overlapped")
        XCTAssertEqual(try count("SELECT count(*) FROM test_exclusive_spans WHERE finished IS NOT NULL"), 40)
    }

    func testExclusiveTasksNeverOverlapWithRedisLocks() throws {
        let workers = try startWorkers(3)
        _ = try enqueue(40, name: "test.exclusive", arguments: #"{"sleep_ms": 10}"#)
        try waitForAll("succeeded", count: 40, timeout: 60)
        XCTAssertEqual(try count("""
            SELECT count(*) FROM test_exclusive_spans a JOIN test_exclusive_spans b ON a.task_id < b.task_id
            WHERE a.started < b.finished AND b.started < a.finished
            """), 0, "exclusive runs overlapped")
        for worker in workers { XCTAssertEqual(try worker.stop(), .exited(0)) }
    }

    func testAPeriodicTaskIsEnqueuedOncePerPeriodWithThreeWorkers() throws {
        // Periods are whole seconds of the database clock: at most one task for each second the workers lived in.
        let epochSecond = "SELECT floor(extract(epoch FROM clock_timestamp()))::integer"
        let firstSecond = try count(epochSecond)
        let workers = try startWorkers(3, settings: ["STOCKROOM_TEST_PERIODIC_SECONDS": "1"])
        usleep(4_500_000)
        for worker in workers { XCTAssertEqual(try worker.stop(), .exited(0)) }
        let secondsLived = try count(epochSecond) - firstSecond + 1
        let periods = try count("SELECT count(*) FROM task_queue WHERE name = 'test.periodic'")
        XCTAssertGreaterThanOrEqual(periods, 4)
        XCTAssertLessThanOrEqual(periods, secondsLived)
        XCTAssertEqual(try count("SELECT count(DISTINCT unique_key) FROM task_queue WHERE name = 'test.periodic'"), periods)
        XCTAssertEqual(try count("SELECT count(*) FROM test_task_runs WHERE name = 'test.periodic'"),
                       try count("SELECT count(*) FROM task_queue WHERE name = 'test.periodic' AND state = 'succeeded'"))
        XCTAssertEqual(try count("SELECT count(*) FROM (SELECT task_id FROM test_task_runs GROUP BY task_id HAVING count(*) > 1) t"), 0)
    }

    func testAFailingTaskIsRetriedWithBackoffThenMarkedFailedWithItsError() throws {
        let workers = try startWorkers(1)
        let id = try XCTUnwrap(try enqueue(1, name: "test.fail", arguments: #"{"why": "test"}"#, maxAttempts: 3).first)
        try waitForAll("failed", count: 1, timeout: 30)
        let runs = try connection.query("SELECT attempt, at FROM test_task_runs WHERE task_id = $1 ORDER BY id", [id])
        XCTAssertEqual(try runs.map { try $0.decode(0, as: Int.self) }, [1, 2, 3])
        let row = try XCTUnwrap(TaskQueue.find(on: connection, id: id))
        XCTAssertEqual(row.lastError, "deliberate failure on attempt 3")
        XCTAssertTrue(row.errorContext?.contains(#"arguments: {"why": "test"}"#) ?? false, row.errorContext ?? "no context")
        XCTAssertTrue(row.errorContext?.contains("attempt 3 of 3") ?? false, row.errorContext ?? "no context")
        XCTAssertNotNil(row.finishedAt)
        // An administrator's retry runs it again.
        XCTAssertTrue(try TaskQueue.retry(on: connection, id: id))
        XCTAssertTrue(try eventually(timeout: 20) { try count("SELECT count(*) FROM test_task_runs WHERE task_id = $1", [id]) == 6 })
        XCTAssertEqual(try workers[0].stop(), .exited(0))
    }

    func testARunPastItsTimeLimitFailsAndItsThreadIsReplaced() throws {
        let workers = try startWorkers(1, settings: ["STOCKROOM_WORKER_THREADS": "1"])
        let slow = try XCTUnwrap(try enqueue(1, name: "test.slow", arguments: #"{"sleep_ms": 3000}"#, maxAttempts: 1).first)
        XCTAssertTrue(try eventually(timeout: 10) { try TaskQueue.find(on: connection, id: slow)?.state == "failed" })
        XCTAssertEqual(try TaskQueue.find(on: connection, id: slow)?.lastError, "time limit of 500 ms exceeded")
        // The only thread is still asleep in the slow task; its replacement runs the next task.
        let quick = try XCTUnwrap(try enqueue(1).first)
        XCTAssertTrue(try eventually(timeout: 5) { try TaskQueue.find(on: connection, id: quick)?.state == "succeeded" })
        XCTAssertEqual(try TaskQueue.find(on: connection, id: slow)?.state, "failed", "the late outcome is dropped")
        XCTAssertEqual(try workers[0].stop(), .exited(0))
    }

    func testSIGTERMFinishesRunningTasksAndGivesBackTheRest() throws {
        let workers = try startWorkers(1)
        _ = try enqueue(40, arguments: #"{"sleep_ms": 400}"#)
        XCTAssertTrue(try eventually(timeout: 10) { try count("SELECT count(*) FROM test_task_runs") >= 4 })
        XCTAssertEqual(try workers[0].stop(), .exited(0))
        XCTAssertEqual(try count("SELECT count(*) FROM task_queue WHERE state = 'running'"), 0)
        let ran = try count("SELECT count(*) FROM test_task_runs")
        XCTAssertEqual(try count("SELECT count(*) FROM task_queue WHERE state = 'succeeded' AND name LIKE 'test.%'"), ran,
                       "every started task finished")
        XCTAssertEqual(try count("SELECT count(*) FROM task_queue WHERE state = 'available' AND attempt = 0 AND name LIKE 'test.%'"), 40 - ran,
                       "claimed but unstarted tasks are given back uncounted")
        let next = try startWorkers(1)
        try waitForAll("succeeded", count: 40, timeout: 30)
        XCTAssertEqual(try count("SELECT count(*) FROM test_task_runs"), 40, "no task ran twice")
        XCTAssertEqual(try next[0].stop(), .exited(0))
    }
}

/// `stockroom tasks`, the real command against the test database.
final class TasksCommandTests: TasksDatabaseTestCase {
    func stockroom(_ arguments: [String]) throws -> (status: ChildProcess.ExitStatus, output: String, error: String) {
        let process = try ChildProcess(executable: try BuiltExecutable.path("stockroom"), arguments: ["tasks"] + arguments,
                                       environment: ["PATH": "/usr/bin:/bin", "STOCKROOM_CONFIG": "/dev/null",
                                                     "STOCKROOM_DATABASE_URL": databaseURL])
        let status = try process.wait(timeout: 20)
        return (status, process.standardOutput, process.standardError)
    }

    func testListShowRetryAndDeleteTasks() throws {
        let pending = try XCTUnwrap(TaskQueue.enqueue(on: connection, name: "report.print", arguments: #"{"id": 3}"#))
        let failed = try XCTUnwrap(TaskQueue.enqueue(on: connection, name: "email.send", options: .init(priority: 5, maxAttempts: 1)))
        let task = try XCTUnwrap(TaskLeases.claim(on: connection, queues: ["default"], limit: 1, owner: "host:1:a", lease: .seconds(30)).first)
        XCTAssertEqual(task.id, failed)
        XCTAssertTrue(try TaskLeases.settle(.fail(error: "sending e-mail failed: connection refused", context: "libcurl code 7"),
                                            task: task, owner: "host:1:a", on: connection))

        let list = try stockroom([])
        XCTAssertEqual(list.status, .exited(0), list.error)
        let lines = list.output.split(separator: "\n")
        XCTAssertTrue(lines.first?.hasPrefix("ID") ?? false, list.output)
        XCTAssertTrue(lines.contains { $0.hasPrefix("\(pending) ") && $0.contains("pending") && $0.contains("report.print") }, list.output)
        XCTAssertTrue(lines.contains { $0.hasPrefix("\(failed) ") && $0.contains("failed") && $0.contains("1/1")
            && $0.contains("connection refused") }, list.output)
        XCTAssertFalse(try stockroom(["--state", "pending"]).output.contains("email.send"))

        let show = try stockroom(["show", String(failed)])
        XCTAssertTrue(show.output.contains("context:\n  libcurl code 7"), show.output)

        let refused = try stockroom(["retry", String(pending)])
        XCTAssertEqual(refused.status, .exited(1))
        XCTAssertTrue(refused.error.contains("task \(pending) is pending: only failed or cancelled tasks can be retried"), refused.error)

        XCTAssertEqual(try stockroom(["retry", String(failed)]).status, .exited(0))
        XCTAssertEqual(try TaskQueue.find(on: connection, id: failed)?.state, "available")
        XCTAssertEqual(try stockroom(["delete", String(pending)]).status, .exited(0))
        XCTAssertNil(try TaskQueue.find(on: connection, id: pending))
        let missing = try stockroom(["delete", "999999"])
        XCTAssertTrue(missing.error.contains("there is no task 999999"), missing.error)
        let bad = try stockroom(["retry", "x"])
        XCTAssertTrue(bad.error.contains("needs one task id"), bad.error)
    }
}
