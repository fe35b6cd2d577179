import Daemon
import Glibc
import XCTest

final class LoggingTests: XCTestCase {
    func testLineFormat() {
        // 2026-11-24T08:00:00.123Z
        let line = LogLine.format(time: (seconds: 1_795_507_200, nanoseconds: 123_456_789), level: .warning,
                                  identifier: "web", message: "slow query\nsecond line",
                                  fields: ["request_id": "r-1", "sql": "select 1 = 1", "user": "ann"])
        XCTAssertEqual(line,
                       "2026-11-24T08:00:00.123Z warning web: slow query\\nsecond line REQUEST_ID=r-1 SQL=\"select 1 = 1\" USER=ann\n")
    }

    func testLineEscapesQuotesAndControlCharacters() {
        let line = LogLine.format(time: (seconds: 0, nanoseconds: 0), level: .info, identifier: "x",
                                  message: "tab\there\u{1}", fields: ["path": "a\"b", "empty": ""])
        XCTAssertEqual(line, "1970-01-01T00:00:00.000Z info x: tab\\there\\x01 EMPTY=\"\" PATH=\"a\\\"b\"\n")
    }

    func testJournalFields() {
        let fields = JournalRecord.fields(level: .error, identifier: "stockroom-web", message: "boom",
                                          fields: ["request-id": "abc", "_PID": "1", "priority": "0", "2fa": "on"])
        XCTAssertEqual(fields, ["MESSAGE=boom", "PRIORITY=3", "SYSLOG_IDENTIFIER=stockroom-web",
                                "F2FA=on", "F_PID=1", "REQUEST_ID=abc"])
    }

    func testIOVecsPointAtEachField() {
        let fields = ["MESSAGE=héllo", "PRIORITY=6", "EMPTY="]
        let decoded: [String] = JournalRecord.withIOVecs(fields) { vectors in
            vectors.map { vector in
                let bytes = UnsafeRawBufferPointer(start: vector.iov_base, count: vector.iov_len)
                return String(decoding: bytes, as: UTF8.self)
            }
        }
        XCTAssertEqual(decoded, fields)
    }

    func testJournalStreamDecision() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("stream", "")
        let fd = open(path, O_RDONLY)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        var info = stat()
        XCTAssertEqual(fstat(fd, &info), 0)
        let matching = "\(info.st_dev):\(info.st_ino)"
        XCTAssertTrue(JournalStream.matches(matching, descriptor: fd))
        XCTAssertFalse(JournalStream.matches("\(info.st_dev):\(info.st_ino + 1)", descriptor: fd))
        XCTAssertFalse(JournalStream.matches("\(info.st_dev + 1):\(info.st_ino)", descriptor: fd))
        XCTAssertFalse(JournalStream.matches("garbage", descriptor: fd))
        XCTAssertFalse(JournalStream.matches("\(info.st_dev):\(info.st_ino):1", descriptor: fd))
        XCTAssertFalse(JournalStream.matches(nil, descriptor: fd))
        XCTAssertFalse(JournalStream.matches(matching, descriptor: -1))
        XCTAssertTrue(JournalStream.matches("8:17", device: 8, inode: 17))
    }

    func testAutomaticDestinationFollowsJournalStream() throws {
        var info = stat()
        XCTAssertEqual(fstat(STDERR_FILENO, &info), 0)
        guard case .journal = LogDestination.resolved(.automatic, environment: ["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino)"]) else {
            return XCTFail("stderr named by JOURNAL_STREAM must select the journal")
        }
        guard case .stderr = LogDestination.resolved(.automatic, environment: ["JOURNAL_STREAM": "1:1"]) else {
            return XCTFail("another stream must select stderr lines")
        }
        guard case .stderr = LogDestination.resolved(.automatic, environment: [:]) else {
            return XCTFail("no JOURNAL_STREAM must select stderr lines")
        }
    }

    func testLevelFiltersAndCanChange() {
        let recorded = Recorded()
        let logger = Logger(identifier: "t", level: .notice, destination: .custom { recorded.append("\($0.name) \($1) \($2)") })
        logger.info("dropped")
        logger.notice("kept", ["K": "v"])
        logger.level = .debug
        logger.debug("now kept")
        XCTAssertEqual(recorded.items, ["notice kept [\"K\": \"v\"]", "debug now kept [:]"])
        XCTAssertTrue(logger.isEnabled(.debug))
    }

    func testLevelNames() {
        XCTAssertEqual(LogLevel(name: "ERR"), .error)
        XCTAssertEqual(LogLevel(name: "crit"), .critical)
        XCTAssertNil(LogLevel(name: "verbose"))
        XCTAssertLessThan(LogLevel.debug, LogLevel.critical)
        XCTAssertEqual(LogLevel.allCases.map(\.syslogPriority), [7, 6, 5, 4, 3, 2])
    }
}

/// A thread-safe list for handlers called from other threads.
final class Recorded: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var storage: [String] = []
    init() { pthread_mutex_init(&mutex, nil) }
    func append(_ item: String) {
        pthread_mutex_lock(&mutex)
        storage.append(item)
        pthread_mutex_unlock(&mutex)
    }
    var items: [String] {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return storage
    }
}
