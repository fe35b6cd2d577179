import Daemon
import XCTest

final class ConfigurationTests: XCTestCase {
    func testFileValuesCommentsBlankLinesAndQuotes() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("stockroom.conf", """
            # the database
            database_url = postgresql:///stockroom#not-a-comment

              Port=8080
            greeting = "  spaced  "
            """)
        let configuration = try Configuration.load(path: path, environment: [:])
        XCTAssertEqual(try configuration.string("database_url"), "postgresql:///stockroom#not-a-comment")
        XCTAssertEqual(try configuration.int("port"), 8080)
        XCTAssertEqual(configuration.optionalString("greeting"), "  spaced  ")
        XCTAssertEqual(configuration.source(of: "port"), .file(path: path, line: 4))
        XCTAssertNil(configuration.optionalString("absent"))
        XCTAssertEqual(configuration.source(of: "absent"), .default)
    }

    func testEnvironmentOverridesTheFile() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("stockroom.conf", "port = 8080\nworkers = 2\n")
        let configuration = try Configuration.load(
            path: path, environment: ["STOCKROOM_PORT": "9090", "STOCKROOM_LOG_LEVEL": "debug", "PORT": "1"])
        XCTAssertEqual(try configuration.int("port"), 9090)
        XCTAssertEqual(configuration.source(of: "port"), .environment(name: "STOCKROOM_PORT"))
        XCTAssertEqual(try configuration.int("workers"), 2)
        XCTAssertEqual(try configuration.logLevel(), .debug)
        XCTAssertEqual(Configuration.environmentName(of: "database_url"), "STOCKROOM_DATABASE_URL")
    }

    func testConfigPathFromEnvironmentAndMissingFiles() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("other.conf", "port = 7000\n")
        let fromVariable = try Configuration.load(environment: ["STOCKROOM_CONFIG": path])
        XCTAssertEqual(try fromVariable.int("port"), 7000)
        XCTAssertNil(fromVariable.optionalString("config"), "STOCKROOM_CONFIG names the file, it is not a key")

        XCTAssertThrowsError(try Configuration.load(path: directory.path + "/missing.conf", environment: [:])) { error in
            let error = error as? ConfigurationError
            XCTAssertEqual(error?.kind, .unreadable)
            XCTAssertEqual(error?.description, "configuration: cannot read \(directory.path)/missing.conf: No such file or directory")
        }
        XCTAssertThrowsError(try Configuration.load(environment: ["STOCKROOM_CONFIG": directory.path + "/gone.conf"]))
    }

    func testSyntaxErrorsNameFileAndLine() throws {
        let directory = TemporaryDirectory()
        let cases: [(String, String)] = [
            ("ok = 1\njust words\n", ":2: expected 'key = value' but the line has no '='"),
            ("# comment\n = value\n", ":2: expected a key before '='"),
            ("bad key = 1\n", ":1: key 'bad key' may contain only letters, digits and '_'"),
            ("port = 1\n\nport = 2\n", ":3: key 'port' is already set on line 1"),
        ]
        for (text, expected) in cases {
            let path = directory.write("broken.conf", text)
            XCTAssertThrowsError(try Configuration.load(path: path, environment: [:])) { error in
                let error = error as? ConfigurationError
                XCTAssertEqual(error?.kind, .syntax)
                XCTAssertEqual(error?.description, "configuration: \(path)\(expected)")
            }
        }
    }

    func testInvalidValueNamesKeyValueSourceAndExpectation() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("stockroom.conf", "# comment\nport = abc\n")
        let configuration = try Configuration.load(path: path, environment: ["STOCKROOM_WORKERS": "many"])
        XCTAssertThrowsError(try configuration.int("port", range: 1...65535)) { error in
            XCTAssertEqual((error as? ConfigurationError)?.description,
                           "configuration: key 'port' = 'abc' (from \(path):2) is not valid: expected an integer in 1...65535")
        }
        XCTAssertThrowsError(try configuration.int("workers", default: 4)) { error in
            XCTAssertEqual((error as? ConfigurationError)?.description,
                           "configuration: key 'workers' = 'many' (from environment variable STOCKROOM_WORKERS) is not valid: expected an integer")
            XCTAssertEqual((error as? ConfigurationError)?.key, "workers")
        }
    }

    func testMissingKeyWithoutDefault() throws {
        let directory = TemporaryDirectory()
        let configuration = try Configuration.load(path: directory.write("empty.conf", ""), environment: [:])
        XCTAssertThrowsError(try configuration.string("database_url")) { error in
            let error = error as? ConfigurationError
            XCTAssertEqual(error?.kind, .missing)
            XCTAssertTrue(error?.description.hasPrefix("configuration: key 'database_url' is not set: expected a value; set it in /tmp/") ?? false,
                          error?.description ?? "")
            XCTAssertTrue(error?.description.hasSuffix("or environment variable STOCKROOM_DATABASE_URL") ?? false)
        }
        XCTAssertEqual(try configuration.string("database_url", default: "postgresql:///x"), "postgresql:///x")
        XCTAssertEqual(try configuration.int("port", default: 8000), 8000)
    }

    func testIntegers() throws {
        let configuration = Configuration(values: ["a": "42", "b": "-3", "c": "70000", "d": "4.5"])
        XCTAssertEqual(try configuration.int("a", range: 1...100), 42)
        XCTAssertEqual(try configuration.int("b"), -3)
        XCTAssertThrowsError(try configuration.int("c", range: 1...65535))
        XCTAssertThrowsError(try configuration.int("d"))
    }

    func testBooleans() throws {
        let words = ["true": true, "YES": true, "on": true, "1": true, "false": false, "No": false, "off": false, "0": false]
        for (word, value) in words {
            XCTAssertEqual(try Configuration(values: ["flag": word]).bool("flag"), value, word)
        }
        XCTAssertThrowsError(try Configuration(values: ["flag": "maybe"]).bool("flag")) { error in
            XCTAssertEqual((error as? ConfigurationError)?.description,
                           "configuration: key 'flag' = 'maybe' (from default) is not valid: expected true or false (or yes/no, on/off, 1/0)")
        }
        XCTAssertEqual(try Configuration(values: [:]).bool("flag", default: true), true)
    }

    func testDurations() throws {
        let cases: [String: Duration] = [
            "250ms": .milliseconds(250), "5s": .seconds(5), "2m": .seconds(120), "1h": .seconds(3600),
            "30": .seconds(30), "1.5s": .milliseconds(1500), "100us": .microseconds(100),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(try Configuration(values: ["timeout": text]).duration("timeout"), expected, text)
        }
        for bad in ["", "s", "5 parsecs", "-1s", "1.2.3s", "ms5"] {
            XCTAssertThrowsError(try Configuration(values: ["timeout": bad]).duration("timeout"), bad) { error in
                XCTAssertTrue("\(error)".hasSuffix("expected a duration such as 250ms, 5s, 2m or 1h"), "\(error)")
            }
        }
        XCTAssertEqual(try Configuration(values: [:]).duration("timeout", default: .seconds(90)), .seconds(90))
    }

    func testByteSizes() throws {
        let cases: [String: Int] = [
            "512": 512, "64K": 65536, "64KiB": 65536, "64kb": 65536, "1M": 1 << 20, "1G": 1 << 30, "10B": 10,
        ]
        for (text, expected) in cases {
            XCTAssertEqual(try Configuration(values: ["size": text]).byteSize("size"), expected, text)
        }
        for bad in ["", "K", "1.5M", "-1K", "12 X", "99999999999999999999G"] {
            XCTAssertThrowsError(try Configuration(values: ["size": bad]).byteSize("size"), bad)
        }
    }

    func testOneOf() throws {
        let configuration = Configuration(values: ["mode": "fast"])
        XCTAssertEqual(try configuration.oneOf("mode", ["fast", "safe"]), "fast")
        XCTAssertThrowsError(try configuration.oneOf("mode", ["slow", "safe"])) { error in
            XCTAssertEqual("\(error)",
                           "configuration: key 'mode' = 'fast' (from default) is not valid: expected one of 'slow', 'safe'")
        }
        XCTAssertEqual(try configuration.oneOf("other", ["a", "b"], default: "b"), "b")
    }

    func testLogLevel() throws {
        XCTAssertEqual(try Configuration(values: ["log_level": "WARN"]).logLevel(), .warning)
        XCTAssertEqual(try Configuration(values: [:]).logLevel(), .info)
        XCTAssertThrowsError(try Configuration(values: ["log_level": "loud"]).logLevel()) { error in
            XCTAssertTrue("\(error)".contains("expected one of 'debug', 'info', 'notice', 'warning', 'error', 'critical'"), "\(error)")
        }
    }
}
