import Daemon
import Glibc
import Postgres
import Schema
import Tasks
import TestSupport
import XCTest

/// Two workers on two "hosts" (network namespaces, each linked to the root namespace by a veth pair) reach a
/// PostgreSQL of their own over those links and share one queue. Needs root (CAP_NET_ADMIN): without it the
/// test fails and says so.
final class NetworkNamespaceTests: XCTestCase {
    struct Step: Error, CustomStringConvertible { let description: String }

    private var cleanups: [() -> Void] = []

    override func tearDown() {
        for cleanup in cleanups.reversed() { cleanup() }
        cleanups = []
        super.tearDown()
    }

    @discardableResult
    func run(_ executable: String, _ arguments: [String], asUser user: String? = nil, timeout: Double = 60) throws -> String {
        var command = [executable] + arguments
        if let user, getuid() == 0, user != "root" { command = ["/usr/sbin/runuser", "-u", user, "--"] + command }
        let process = try ChildProcess(executable: command[0], arguments: Array(command.dropFirst()),
                                       environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
        let status = try process.wait(timeout: timeout)
        guard status == .exited(0) else {
            throw Step(description: "\(command.joined(separator: " ")) \(status): \(process.standardError.suffix(1500))")
        }
        return process.standardOutput
    }

    func testTwoWorkersOnTwoHostsShareOneQueueWithoutRunningATaskTwice() throws {
        let environment = try TestEnvironment.current()
        let tag = String(getpid() % 100_000)
        let hosts = [(namespace: "srt\(tag)a", outside: "srh\(tag)a", inside: "srn\(tag)a", server: "10.231.1.1", client: "10.231.1.2"),
                     (namespace: "srt\(tag)b", outside: "srh\(tag)b", inside: "srn\(tag)b", server: "10.231.2.1", client: "10.231.2.2")]
        for host in hosts {
            do {
                try run("/usr/sbin/ip", ["netns", "add", host.namespace])
            } catch {
                throw Step(description: "cannot create a network namespace (this test needs root or CAP_NET_ADMIN): \(error)")
            }
            cleanups.append { [self] in _ = try? run("/usr/sbin/ip", ["netns", "del", host.namespace]) }
            try run("/usr/sbin/ip", ["link", "add", host.outside, "type", "veth", "peer", "name", host.inside])
            cleanups.append { [self] in _ = try? run("/usr/sbin/ip", ["link", "del", host.outside]) }
            try run("/usr/sbin/ip", ["link", "set", host.inside, "netns", host.namespace])
            try run("/usr/sbin/ip", ["addr", "add", host.server + "/30", "dev", host.outside])
            try run("/usr/sbin/ip", ["link", "set", host.outside, "up"])
            try run("/usr/sbin/ip", ["-n", host.namespace, "addr", "add", host.client + "/30", "dev", host.inside])
            try run("/usr/sbin/ip", ["-n", host.namespace, "link", "set", host.inside, "up"])
            try run("/usr/sbin/ip", ["-n", host.namespace, "link", "set", "lo", "up"])
        }

        // A PostgreSQL of its own, listening on the two links with trust for their subnet.
        let data = environment.scratchDirectory + "/netns-pg-\(tag)"
        _ = try? run("/bin/rm", ["-rf", data])
        try run("/bin/mkdir", ["-p", data])
        try run("/bin/chown", [environment.postgresUser, data])
        try run(environment.postgresBin + "/initdb", ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync"],
                asUser: environment.postgresUser)
        let hba = data + "/pg_hba.conf"
        guard let file = fopen(hba, "a") else { throw Step(description: "cannot append to \(hba)") }
        fputs("host all all 10.231.0.0/16 trust\n", file)
        fclose(file)
        let port = try freeLoopbackPort()
        let options = "-c listen_addresses='\(hosts.map(\.server).joined(separator: ","))' -c port=\(port) -c unix_socket_directories='\(data)' -c fsync=off"
        try run(environment.postgresBin + "/pg_ctl", ["-D", data, "-l", data + "/log", "-w", "-o", options, "start"],
                asUser: environment.postgresUser)
        cleanups.append { [self] in
            _ = try? run(environment.postgresBin + "/pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"], asUser: environment.postgresUser)
        }

        let local = "postgresql://postgres@/postgres?host=\(data)&port=\(port)"
        let connection = try PostgresConnection(local)
        _ = try Migrator().apply(Schema.migrations, using: connection)
        try connection.runScript(TasksDatabaseTestCase.recordingTables)

        var workers: [WorkerProcess] = []
        for host in hosts {
            let worker = try WorkerProcess(databaseURL: "postgresql://postgres@\(host.server):\(port)/postgres",
                                           redisURL: environment.redisURL, scratch: environment.scratchDirectory,
                                           wrapper: ["/usr/sbin/ip", "netns", "exec", host.namespace])
            workers.append(worker)
        }
        for worker in workers { try worker.waitUntilReady() }
        let clients = try connection.query(
            "SELECT DISTINCT host(client_addr) FROM pg_stat_activity WHERE client_addr IS NOT NULL ORDER BY 1"
        ).map { try $0.decode(0, as: String.self) }
        XCTAssertEqual(clients, hosts.map(\.client), "each worker reaches PostgreSQL over its own link")

        try connection.transaction { connection in
            for _ in 0..<2000 { try TaskQueue.enqueue(on: connection, name: "test.record", options: .init(maxAttempts: 10)) }
        }
        let deadline = monotonicSeconds() + 90
        var done = 0
        while monotonicSeconds() < deadline {
            done = try connection.query("SELECT count(*) FROM task_queue WHERE name = 'test.record' AND state = 'succeeded'")
                .singleRow().decode(0, as: Int.self)
            if done == 2000 { break }
            usleep(50_000)
        }
        XCTAssertEqual(done, 2000)
        XCTAssertEqual(try connection.query("SELECT count(*) FROM test_task_runs").singleRow().decode(0, as: Int.self), 2000)
        XCTAssertEqual(try connection.query("SELECT count(DISTINCT task_id) FROM test_task_runs").singleRow().decode(0, as: Int.self), 2000)
        // The pids are those of `ip netns exec`'s child, which execs the worker: the same process.
        let pids = try connection.query("SELECT DISTINCT pid FROM test_task_runs ORDER BY 1").map { try $0.decode(0, as: Int32.self) }
        XCTAssertEqual(pids.count, 2, "both hosts ran tasks: \(pids)")
        for worker in workers { XCTAssertEqual(try worker.stop(), .exited(0)) }
    }
}
