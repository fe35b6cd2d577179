import Glibc
import TestSupport
import XCTest

/// The administrator's commands against a real database: createsuperuser, changepassword, check.
final class AdminCommandTests: XCTestCase {
    func stockroom(_ arguments: [String], databaseURL: String, stdinFile: String? = nil) throws -> ChildProcess {
        let environment = try TestEnvironment.current()
        let process = try ChildProcess(
            executable: try BuiltExecutable.product("stockroom"), arguments: arguments,
            environment: ["STOCKROOM_CONFIG": "/dev/null", "STOCKROOM_DATABASE_URL": databaseURL,
                          "STOCKROOM_REDIS_URL": environment.redisURL, "STOCKROOM_MEDIA_ROOT": environment.scratchDirectory,
                          "STOCKROOM_STATIC_ROOT": environment.scratchDirectory, "PATH": "/usr/bin:/bin"])
        _ = try process.wait(timeout: 60)
        return process
    }

    func writeFile(_ text: String) throws -> String {
        let path = try TestEnvironment.current().scratchDirectory + "/password-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        XCTAssertGreaterThanOrEqual(fd, 0)
        _ = text.withCString { write(fd, $0, strlen($0)) }
        close(fd)
        return path
    }

    func testCreateSuperuserThenChangePasswordRejectingDuplicatesAndShortPasswords() throws {
        let url = try TestEnvironment.current().migratedDatabase(named: "e2e_admin_users")
        let password = try writeFile("testpassword\n")
        let created = try stockroom(["createsuperuser", "--username", "testuser", "--email", "t@example.com", "--password-file", password], databaseURL: url)
        XCTAssertEqual(created.exitStatus, .exited(0), created.standardError)

        let again = try stockroom(["createsuperuser", "--username", "testuser", "--password-file", password], databaseURL: url)
        XCTAssertEqual(again.exitStatus, .exited(1))
        XCTAssertTrue(again.standardError.contains("exists already"), again.standardError)

        let short = try stockroom(["changepassword", "testuser", "--password-file", try writeFile("short\n")], databaseURL: url)
        XCTAssertEqual(short.exitStatus, .exited(1))
        XCTAssertTrue(short.standardError.contains("at least 8 characters"), short.standardError)

        let changed = try stockroom(["changepassword", "testuser", "--password-file", try writeFile("another-password\n")], databaseURL: url)
        XCTAssertEqual(changed.exitStatus, .exited(0), changed.standardError)

        let missing = try stockroom(["changepassword", "nobody", "--password-file", password], databaseURL: url)
        XCTAssertEqual(missing.exitStatus, .exited(1))
        XCTAssertTrue(missing.standardError.contains("no user called 'nobody'"), missing.standardError)
    }

    func testCheckReportsEachPartAndFailsOnAnOldSchema() throws {
        let url = try TestEnvironment.current().migratedDatabase(named: "e2e_admin_check")
        let good = try stockroom(["check"], databaseURL: url)
        XCTAssertEqual(good.exitStatus, .exited(0), good.standardOutput)
        for part in ["configuration", "database", "redis", "media root", "static root"] {
            XCTAssertTrue(good.standardOutput.contains("ok     \(part)"), good.standardOutput)
        }
        let environment = try TestEnvironment.current()
        let unreachable = try stockroom(["check"], databaseURL: environment.databaseURL(database: "no_such_database"))
        XCTAssertEqual(unreachable.exitStatus, .exited(1))
        XCTAssertTrue(unreachable.standardOutput.contains("FAILED database"), unreachable.standardOutput)
    }

    /// In a checkout with no configuration, a command works on the development servers of
    /// `stockroom run`, starting them for its own length when no stack is running.
    func testWithoutConfigurationACommandStartsTheDevelopmentServersForItsLength() throws {
        guard access("/etc/stockroom/stockroom.conf", F_OK) != 0 else {
            XCTFail("this machine has /etc/stockroom/stockroom.conf, so it is not a checkout without configuration")
            return
        }
        let environment = try TestEnvironment.current()
        let state = environment.scratchDirectory + "/admin-dev-\(getpid())"
        let password = try writeFile("testpassword\n")
        func run(_ arguments: [String]) throws -> ChildProcess {
            let process = try ChildProcess(executable: try BuiltExecutable.product("stockroom"), arguments: arguments + ["--state-dir", state],
                                           environment: ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin"])
            _ = try process.wait(timeout: 120)
            return process
        }
        let first = try run(["createsuperuser", "--username", "testuser", "--password-file", password])
        XCTAssertEqual(first.exitStatus, .exited(0), first.standardOutput + first.standardError)
        XCTAssertTrue(first.standardOutput.contains("starting the development servers"), first.standardOutput)
        XCTAssertEqual(StackFixture.processes(mentioning: state), [], "the servers must stop with the command")

        let second = try run(["createsuperuser", "--username", "testuser", "--password-file", password])
        XCTAssertEqual(second.exitStatus, .exited(1))
        XCTAssertTrue(second.standardError.contains("exists already"), "the cluster is kept between commands: \(second.standardError)")
        XCTAssertEqual(StackFixture.processes(mentioning: state), [])
    }
}
