import Daemon
import XCTest

final class ConfigurationSecretTests: XCTestCase {
    func testSecretFromCredentialsDirectoryWins() throws {
        let credentials = TemporaryDirectory()
        credentials.write("secret_key", "from-credentials\n")
        let other = TemporaryDirectory()
        let file = other.write("secret", "from-file\n")
        let configuration = try Configuration.load(
            path: other.write("stockroom.conf", "secret_key_file = \(file)\n"),
            environment: ["CREDENTIALS_DIRECTORY": credentials.path])
        XCTAssertEqual(try configuration.secret("secret_key"), "from-credentials")
        XCTAssertEqual(configuration.source(of: "secret_key"), .credential(path: credentials.path + "/secret_key"))
    }

    func testSecretFromFileNamedByKey() throws {
        let directory = TemporaryDirectory()
        let file = directory.write("password", "p4ss word\r\n")
        let configuration = try Configuration.load(
            path: directory.write("stockroom.conf", ""),
            environment: ["STOCKROOM_DATABASE_PASSWORD_FILE": file, "CREDENTIALS_DIRECTORY": directory.path + "/none"])
        XCTAssertEqual(try configuration.secret("database_password"), "p4ss word")
        XCTAssertNil(try configuration.secret("smtp_password"))
    }

    func testOnlyOneTrailingNewlineIsRemoved() throws {
        let directory = TemporaryDirectory()
        let file = directory.write("key", "line one\nline two\n\n")
        let configuration = Configuration(values: ["key_file": file])
        XCTAssertEqual(try configuration.secret("key"), "line one\nline two\n")
    }

    func testUnreadableSecretFileNamesThePathButNotTheSecret() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("stockroom.conf", "secret_key_file = \(directory.path)/missing\n")
        let configuration = try Configuration.load(path: path, environment: [:])
        XCTAssertThrowsError(try configuration.secret("secret_key")) { error in
            let error = error as? ConfigurationError
            XCTAssertEqual(error?.kind, .unreadable)
            XCTAssertEqual(error?.key, "secret_key_file")
            XCTAssertEqual(error?.description,
                           "configuration: cannot read secret file \(directory.path)/missing (key 'secret_key_file' from \(path):1): No such file or directory")
        }
    }

    func testSecretValueNeverAppearsInTypedErrors() throws {
        let credentials = TemporaryDirectory()
        credentials.write("smtp_password", "hunter2-very-secret")
        let configuration = Configuration(values: [:], credentialsDirectory: credentials.path)
        let secret = try XCTUnwrap(try configuration.secret("smtp_password"))
        XCTAssertEqual(secret, "hunter2-very-secret")
        XCTAssertThrowsError(try configuration.string("smtp_password")) { error in
            XCTAssertFalse("\(error)".contains(secret))
        }
    }
}
