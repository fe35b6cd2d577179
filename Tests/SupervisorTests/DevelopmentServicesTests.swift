import Foundation
import Glibc
import XCTest
@testable import Supervisor

/// The private PostgreSQL and Redis of `stockroom run`, for real: initdb, pg_ctl, redis-server.
final class DevelopmentServicesTests: XCTestCase {
    private var scratch: String = ""
    private var lines: [String] = []

    override func setUpWithError() throws {
        var template = Array("/tmp/stockroom-devservices.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SupervisorError.system("mkdtemp") }
        scratch = String(cString: made)
        lines = []
    }

    override func tearDownWithError() throws {
        // As root the cluster may live under ~postgres (see PrivatePostgres); remove it as well.
        if let target = symbolicLinkTarget(scratch + "/state/postgres") {
            try? FileManager.default.removeItem(atPath: target)
            rmdir(String(target[..<(target.lastIndex(of: "/") ?? target.endIndex)]))
        }
        try? FileManager.default.removeItem(atPath: scratch)
    }

    private func start(_ state: String) throws -> DevelopmentServices {
        try DevelopmentServices.start(stateDirectory: state) { [unowned self] in lines.append($0) }
    }

    /// Runs a command and returns its standard output; fails the test on a non-zero exit.
    @discardableResult
    private func command(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 0, "\(arguments.joined(separator: " ")): \(text)", file: file, line: line)
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func checkBothServersAnswer(_ services: DevelopmentServices) throws {
        XCTAssertTrue(services.databaseURL.hasPrefix("postgresql://postgres@/stockroom?host=/"), services.databaseURL)
        XCTAssertEqual(try command(["/usr/bin/psql", "-X", "-tA", services.databaseURL, "-c", "SELECT current_database()"]),
                       "stockroom")
        XCTAssertEqual(services.redisURL, "unix://" + services.redisSocket)
        XCTAssertEqual(try command(["/usr/bin/redis-cli", "-s", services.redisSocket, "PING"]), "PONG")
    }

    func testStartConnectStopAndStartAgainReusingTheCluster() throws {
        let state = scratch + "/state"
        let first = try start(state)
        try checkBothServersAnswer(first)
        XCTAssertTrue(lines.contains { $0.hasPrefix("creating a PostgreSQL cluster") }, "\(lines)")
        try command(["/usr/bin/psql", "-X", first.databaseURL, "-c", "CREATE TABLE kept (value int); INSERT INTO kept VALUES (42)"])
        let postgresPid = try XCTUnwrap(PrivatePostgres.locate(stateDirectory: first.stateDirectory,
                                                                runner: CommandRunner(logDirectory: "/tmp")).runningPid)
        let redisPid = try XCTUnwrap(PrivateRedis(directory: first.stateDirectory + "/redis",
                                                  runner: CommandRunner(logDirectory: "/tmp")).runningPid)
        XCTAssertEqual(DevelopmentServices.running(stateDirectory: state),
                       DevelopmentServiceURLs(databaseURL: first.databaseURL, redisURL: first.redisURL))

        try first.stop()
        XCTAssertFalse(processIsAlive(postgresPid), "postgres \(postgresPid) still running")
        XCTAssertFalse(processIsAlive(redisPid), "redis-server \(redisPid) still running")
        XCTAssertNil(DevelopmentServices.running(stateDirectory: state))

        lines = []
        let second = try start(state)
        XCTAssertFalse(lines.contains { $0.hasPrefix("creating") }, "initdb ran again: \(lines)")
        try checkBothServersAnswer(second)
        XCTAssertEqual(try command(["/usr/bin/psql", "-X", "-tA", second.databaseURL, "-c", "SELECT value FROM kept"]), "42")
        try second.stop()
        XCTAssertNil(DevelopmentServices.running(stateDirectory: state))
    }

    func testServersLeftByACrashedRunAreReusedAndAStateDirectoryIsLockedWhileInUse() throws {
        let state = scratch + "/state"
        var crashed: DevelopmentServices? = try start(state)
        XCTAssertThrowsError(try start(state)) {
            XCTAssertTrue("\($0)".hasPrefix("another `stockroom run` is using"), "\($0)")
        }
        // Dropping the object without stop() releases the lock but leaves the servers running,
        // as a run killed with SIGKILL would.
        crashed = nil
        XCTAssertNil(crashed)
        XCTAssertNotNil(DevelopmentServices.running(stateDirectory: state))
        lines = []
        let adopted = try start(state)
        XCTAssertTrue(lines.contains { $0.hasPrefix("reusing the PostgreSQL server") }, "\(lines)")
        XCTAssertTrue(lines.contains { $0.hasPrefix("reusing the Redis server") }, "\(lines)")
        try checkBothServersAnswer(adopted)
        try adopted.stop()
        XCTAssertNil(DevelopmentServices.running(stateDirectory: state))
    }

    func testAsRootTheClusterBelongsToPostgresAndLivesWhereItCanBeReached() throws {
        guard getuid() == 0 else {
            // Not root: the cluster is the caller's own; the other tests cover that case.
            let services = try start(scratch + "/state")
            defer { try? services.stop() }
            XCTAssertNil(symbolicLinkTarget(services.stateDirectory + "/postgres"))
            return
        }
        let postgres = try XCTUnwrap(Account.named("postgres"))
        // mkdtemp made the scratch directory 0700 root: postgres cannot enter it.
        let hidden = try start(scratch + "/state")
        let target = try XCTUnwrap(symbolicLinkTarget(hidden.stateDirectory + "/postgres"))
        XCTAssertTrue(target.hasPrefix(postgres.home + "/stockroom-dev/"), target)
        XCTAssertTrue(hidden.databaseURL.hasSuffix("?host=\(target)/socket"), hidden.databaseURL)
        try checkBothServersAnswer(hidden)
        var info = stat()
        XCTAssertEqual(stat(target + "/data", &info), 0)
        XCTAssertEqual(info.st_uid, postgres.uid)
        try hidden.stop()

        // In a directory postgres can reach, the cluster stays in the state directory.
        chmod(scratch, 0o755)
        let visible = try start(scratch + "/open")
        defer { try? visible.stop() }
        XCTAssertNil(symbolicLinkTarget(visible.stateDirectory + "/postgres"))
        XCTAssertEqual(visible.postgresSocketDirectory, visible.stateDirectory + "/postgres/socket")
        try checkBothServersAnswer(visible)
    }

    func testUnreachableDirectoriesAreFound() throws {
        let nobody = Account(name: "nobody", uid: 65534, gid: 65534, home: "/")
        XCTAssertEqual(nobody.firstUnreachableDirectory(on: scratch)?.path, scratch)
        chmod(scratch, 0o755)
        XCTAssertNil(nobody.firstUnreachableDirectory(on: scratch))
        XCTAssertEqual(stableHash("/a"), stableHash("/a"))
        XCTAssertNotEqual(stableHash("/a"), stableHash("/b"))
        XCTAssertEqual(stableHash("/a").count, 16)
    }
}
