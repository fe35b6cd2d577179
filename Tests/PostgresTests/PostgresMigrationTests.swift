import Foundation
import Postgres
import TestSupport
import XCTest

final class PostgresMigrationTests: PostgresTestCase {
    private let base = [
        Migration(version: 1, name: "parts", sql: "CREATE TABLE parts (id serial PRIMARY KEY, name text NOT NULL)"),
        Migration(version: 2, name: "stock", sql: """
            CREATE TABLE stock (part int REFERENCES parts, quantity numeric NOT NULL);
            CREATE INDEX stock_part ON stock (part)
            """),
        Migration(version: 3, name: "seed", sql: "INSERT INTO parts (name) VALUES ('bolt'), ('nut')"),
    ]

    override func setUpWithError() throws {
        try super.setUpWithError()
        try connect().runScript("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    }

    private func recorded(_ connection: PostgresConnection) throws -> [String] {
        try connection.query("SELECT version, name FROM schema_migrations ORDER BY version").map {
            "\(try $0.decode("version", as: Int.self)) \(try $0.decode("name", as: String.self))"
        }
    }

    private func tableExists(_ name: String, _ connection: PostgresConnection) throws -> Bool {
        try connection.query("SELECT to_regclass($1) IS NOT NULL AS present", [name]).singleRow().decode("present", as: Bool.self)
    }

    func testAppliesInOrderAndRecordsEach() throws {
        let pool = PostgresPool(url: databaseURL, maximumConnections: 2)
        XCTAssertEqual(try Migrator().currentVersion(using: pool), 0)
        XCTAssertEqual(try Migrator().apply(base, using: pool), [1, 2, 3])
        let connection = try connect()
        XCTAssertEqual(try recorded(connection), ["1 parts", "2 stock", "3 seed"])
        XCTAssertEqual(try connection.query("SELECT count(*) AS n FROM parts").singleRow().decode("n", as: Int.self), 2)
        XCTAssertEqual(try Migrator().currentVersion(using: connection), 3)
        let appliedAt = try connection.query("SELECT applied_at FROM schema_migrations WHERE version = 1").singleRow().decode("applied_at", as: Date.self)
        XCTAssertLessThan(abs(appliedAt.timeIntervalSinceNow), 60)
    }

    func testReapplyingIsANoOpAndNewMigrationsApply() throws {
        let connection = try connect()
        XCTAssertEqual(try Migrator().apply(base, using: connection), [1, 2, 3])
        XCTAssertEqual(try Migrator().apply(base, using: connection), [])
        let more = base + [Migration(version: 5, name: "locations", sql: "CREATE TABLE locations (id int)")]
        XCTAssertEqual(try Migrator().apply(more, using: connection), [5])
        XCTAssertEqual(try connection.query("SELECT count(*) AS n FROM parts").singleRow().decode("n", as: Int.self), 2, "seed ran once")
        XCTAssertEqual(try Migrator().currentVersion(using: connection), 5)
    }

    func testInvalidListsAreRejectedBeforeAnythingRuns() throws {
        let connection = try connect()
        let duplicate = base + [Migration(version: 3, name: "again", sql: "SELECT 1")]
        let outOfOrder = [base[1], base[0]]
        let zero = [Migration(version: 0, name: "zero", sql: "SELECT 1")]
        let unnamed = [Migration(version: 1, name: "", sql: "SELECT 1")]
        let cases: [([Migration], String)] = [
            (duplicate, "migration version 3 ('again') is used twice: versions must be unique and strictly increasing"),
            (outOfOrder, "migration version 1 ('parts') comes after version 2: versions must be unique and strictly increasing"),
            (zero, "migration 'zero' has version 0: versions must be positive"),
            (unnamed, "migration 1 has an empty name"),
        ]
        for (migrations, message) in cases {
            let error = expectPostgresError { try Migrator().apply(migrations, using: connection) }
            XCTAssertEqual(error?.kind, .migration)
            XCTAssertEqual(error?.message, message)
        }
        XCTAssertFalse(try tableExists("schema_migrations", connection))
        XCTAssertFalse(try tableExists("parts", connection))
    }

    func testRecordedNameOrUnknownVersionIsAnError() throws {
        let connection = try connect()
        try Migrator().apply(base, using: connection)
        var renamed = base
        renamed[1].name = "inventory"
        let mismatch = expectPostgresError { try Migrator().apply(renamed, using: connection) }
        XCTAssertEqual(mismatch?.message, "migration 2 is recorded as 'stock' in the database but is 'inventory' in this program")
        let unknown = expectPostgresError { try Migrator().apply(Array(base[0...1]), using: connection) }
        XCTAssertEqual(unknown?.message, "the database has migration 3 ('seed') that this program does not know: the database is newer than this program")
    }

    func testFailingMigrationRollsBackEntirelyAndIsNotRecorded() throws {
        let connection = try connect()
        let broken = Array(base[0...1]) + [
            Migration(version: 3, name: "half done", sql: "CREATE TABLE suppliers (id int); INSERT INTO nowhere VALUES (1)"),
            Migration(version: 4, name: "after", sql: "CREATE TABLE after_broken (id int)"),
        ]
        let error = expectPostgresError { try Migrator().apply(broken, using: connection) }
        XCTAssertEqual(error?.kind, .migration)
        XCTAssertEqual(error?.sqlState, "42P01")
        XCTAssertTrue(error?.message.hasPrefix("migration 3 ('half done') failed and was rolled back: relation \"nowhere\" does not exist") ?? false,
                      error?.message ?? "")
        XCTAssertEqual(try recorded(connection), ["1 parts", "2 stock"])
        XCTAssertFalse(try tableExists("suppliers", connection))
        XCTAssertFalse(try tableExists("after_broken", connection))
        XCTAssertEqual(try Migrator().currentVersion(using: connection), 2)
        // The advisory lock was released: another session can take it.
        let other = try connect()
        XCTAssertTrue(try other.query("SELECT pg_try_advisory_lock($1) AS got", [Migrator.lockKey]).singleRow().decode("got", as: Bool.self))
    }

    func testCheckTellsADaemonItsSchemaIsTooOld() throws {
        let connection = try connect()
        let empty = expectPostgresError { try Migrator().check(expected: 2, using: connection) }
        XCTAssertEqual(empty?.message, "database schema is at version 0, this program needs 2: run `stockroom migrate`")
        try Migrator().apply(base, using: connection)
        let old = expectPostgresError { try Migrator().check(expected: 5, using: connection) }
        XCTAssertEqual(old?.kind, .migration)
        XCTAssertEqual(old?.message, "database schema is at version 3, this program needs 5: run `stockroom migrate`")
        XCTAssertNoThrow(try Migrator().check(expected: 3, using: connection))
        XCTAssertNoThrow(try Migrator().check(expected: 3, using: PostgresPool(url: databaseURL)))
    }

    func testProcessesRacingToMigrateApplyEachMigrationOnce() throws {
        let url = try environment.freshDatabase(named: "test_migration_race_processes")
        defer { try? environment.dropDatabase(named: "test_migration_race_processes") }
        let directory = environment.scratchDirectory + "/migration-race-\(getpid())"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let racers = 4
        var pids: [pid_t] = []
        for index in 0..<racers {
            pids.append(try ChildProcess.start(
                [executable, "PostgresTests.MigrationRaceChildTests/testApplyRaceMigrations"],
                environment: [MigrationRace.urlVariable: url, MigrationRace.directoryVariable: directory],
                outputPath: "\(directory)/output-\(index)"))
        }
        let ready = eventually(timeout: 60) {
            ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasPrefix("ready-") }.count == racers
        }
        _ = FileManager.default.createFile(atPath: "\(directory)/go", contents: nil)
        let statuses = pids.map { ChildProcess.wait($0) }
        XCTAssertTrue(ready, "all racers connected")
        for (index, status) in statuses.enumerated() where status != 0 {
            let output = (try? String(contentsOfFile: "\(directory)/output-\(index)", encoding: .utf8)) ?? ""
            XCTFail("racer \(index) exited with \(status):\n\(output.suffix(3000))")
        }
        let applied: [[Int]] = try pids.map { pid in
            let text = try String(contentsOfFile: "\(directory)/applied-\(pid)", encoding: .utf8)
            return text.split(separator: ",").compactMap { Int($0) }
        }
        try MigrationRace.verify(PostgresConnection(url), appliedPerRacer: applied)
    }

    func testThreadsRacingWithTheirOwnConnectionsApplyEachMigrationOnce() throws {
        let url = try environment.freshDatabase(named: "test_migration_race_threads")
        defer { try? environment.dropDatabase(named: "test_migration_race_threads") }
        let racers = 4
        let connections = try (0..<racers).map { _ in try PostgresConnection(url) }
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var applied: [[Int]] = []
            var errors: [String] = []
        }
        let results = Results()
        var barrier = pthread_barrier_t()
        pthread_barrier_init(&barrier, nil, UInt32(racers))
        defer { pthread_barrier_destroy(&barrier) }
        let group = DispatchGroup()
        withUnsafeMutablePointer(to: &barrier) { barrier in
            nonisolated(unsafe) let barrier = barrier
            for connection in connections {
                group.enter()
                Thread {
                    defer { group.leave() }
                    pthread_barrier_wait(barrier)
                    do {
                        let applied = try Migrator().apply(MigrationRace.migrations, using: connection)
                        results.lock.lock(); results.applied.append(applied); results.lock.unlock()
                    } catch {
                        results.lock.lock(); results.errors.append("\(error)"); results.lock.unlock()
                    }
                }.start()
            }
            group.wait()
        }
        XCTAssertEqual(results.errors, [])
        try MigrationRace.verify(PostgresConnection(url), appliedPerRacer: results.applied)
    }
}
