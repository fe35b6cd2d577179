import Glibc
import Postgres
import Tasks

// tasks-bench: the client side of bench/tasks.sh.
//   tasks-bench enqueue N        enqueues N no-op tasks (stockroom.ping), 100 per transaction, on 2 connections;
//                                prints the enqueue rate
//   tasks-bench drain N TIMEOUT  waits until N of them succeeded; prints the completion rate, first start to last finish
//   tasks-bench latency N        enqueues N tasks one per transaction, 5 ms apart, and prints p50/p99 from the commit
//                                returning to the task starting (the task's result is its start time)
// The database is STOCKROOM_DATABASE_URL.

func fail(_ message: String) -> Never {
    fputs("tasks-bench: \(message)\n", stderr)
    exit(1)
}

func seconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

func twoDecimals(_ value: Double) -> String {
    let hundredths = Int((value * 100).rounded())
    let sign = hundredths < 0 ? "-" : ""
    let magnitude = abs(hundredths)
    let fraction = magnitude % 100
    return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
}

let arguments = CommandLine.arguments
guard arguments.count >= 3, let count = Int(arguments[2]), count > 0 else {
    fail("usage: tasks-bench enqueue N | drain N TIMEOUT | latency N")
}
guard let url = getenv("STOCKROOM_DATABASE_URL").map({ String(cString: $0) }) else { fail("STOCKROOM_DATABASE_URL is not set") }

do {
    switch arguments[1] {
    case "enqueue":
        let clients = 2
        let batch = 100
        let started = seconds()
        var threads: [pthread_t] = []
        final class Failure: @unchecked Sendable { var message: String? }
        let failure = Failure()
        for client in 0..<clients {
            let share = count / clients + (client < count % clients ? 1 : 0)
            var thread = pthread_t()
            let box = Unmanaged.passRetained({
                do {
                    let connection = try PostgresConnection(url)
                    var left = share
                    while left > 0 {
                        let now = min(batch, left)
                        try connection.transaction { connection in
                            for _ in 0..<now { try TaskQueue.enqueue(on: connection, name: StandardTasks.ping, options: .init(maxAttempts: 1)) }
                        }
                        left -= now
                    }
                } catch {
                    failure.message = "\(error)"
                }
            } as AnyObject)
            pthread_create(&thread, nil, { argument in
                let body = Unmanaged<AnyObject>.fromOpaque(argument!).takeRetainedValue() as! () -> Void
                body()
                return nil
            }, box.toOpaque())
            threads.append(thread)
        }
        for thread in threads { pthread_join(thread, nil) }
        if let message = failure.message { fail(message) }
        let elapsed = seconds() - started
        print(Int(Double(count) / elapsed))
    case "drain":
        let timeout = arguments.count > 3 ? Double(arguments[3]) ?? 120 : 120
        let connection = try PostgresConnection(url)
        let deadline = seconds() + timeout
        while true {
            let done: Int = try connection.query(
                "SELECT count(*) FROM task_queue WHERE name = $1 AND state = 'succeeded'", [StandardTasks.ping]).singleRow().decode(0)
            if done >= count { break }
            if seconds() > deadline { fail("only \(done) of \(count) tasks succeeded within \(timeout) s") }
            usleep(20_000)
        }
        let span: Double = try connection.query("""
            SELECT extract(epoch FROM max(finished_at) - min(started_at))::float8 FROM task_queue
            WHERE name = $1 AND state = 'succeeded'
            """, [StandardTasks.ping]).singleRow().decode(0)
        print(Int(Double(count) / span))
    case "latency":
        let connection = try PostgresConnection(url)
        var commits: [Int64: Int64] = [:]
        for _ in 0..<count {
            let id = try connection.transaction { connection in
                try TaskQueue.enqueue(on: connection, name: StandardTasks.ping, options: .init(maxAttempts: 1))
            }
            guard let id else { fail("enqueue returned no id") }
            commits[id] = StandardTasks.wallClockMicroseconds()
            usleep(5_000)
        }
        let deadline = seconds() + 30
        var latencies: [Double] = []
        while true {
            let rows = try connection.query("""
                SELECT id, result FROM task_queue WHERE name = $1 AND state = 'succeeded' AND id = ANY($2::bigint[])
                """, [StandardTasks.ping, "{" + commits.keys.map(String.init).joined(separator: ",") + "}"])
            if rows.count == count {
                latencies = try rows.map { row in
                    let id: Int64 = try row.decode(0)
                    let started = Int64(try row.decode(1, as: String.self)) ?? 0
                    return Double(started - (commits[id] ?? started)) / 1000
                }
                break
            }
            if seconds() > deadline { fail("only \(rows.count) of \(count) latency tasks finished within 30 s") }
            usleep(20_000)
        }
        latencies.sort()
        func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        print(twoDecimals(percentile(0.5)), twoDecimals(percentile(0.99)))
    default:
        fail("unknown mode '\(arguments[1])'")
    }
} catch {
    fail("\(error)")
}
