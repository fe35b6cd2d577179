import FoundationEssentials
@testable import Postgres
import XCTest

final class PostgresTimestampTests: XCTestCase {
    private func parse(_ text: String) -> Date? {
        Array(text.utf8).withUnsafeBufferPointer { PostgresTimestamp.parse($0) }
    }

    func testFormatsUTCWithMicroseconds() {
        XCTAssertEqual(PostgresTimestamp.format(Date(timeIntervalSince1970: 0)), "1970-01-01 00:00:00.000000+00")
        XCTAssertEqual(PostgresTimestamp.format(Date(timeIntervalSince1970: 1_000_000_000.25)), "2001-09-09 01:46:40.250000+00")
        XCTAssertEqual(PostgresTimestamp.format(Date(timeIntervalSince1970: -1.5)), "1969-12-31 23:59:58.500000+00")
        XCTAssertEqual(PostgresTimestamp.format(Date(timeIntervalSince1970: 951_782_400)), "2000-02-29 00:00:00.000000+00")
    }

    func testParsesOffsetsFractionsAndDates() {
        let instant = Date(timeIntervalSince1970: 1_000_000_000)
        XCTAssertEqual(parse("2001-09-09 01:46:40+00"), instant)
        XCTAssertEqual(parse("2001-09-09 07:16:40+05:30"), instant)
        XCTAssertEqual(parse("2001-09-08 22:46:40-03"), instant)
        XCTAssertEqual(parse("2001-09-09 01:46:40"), instant)
        XCTAssertEqual(parse("2001-09-09 01:46:40.5+00"), Date(timeIntervalSince1970: 1_000_000_000.5))
        XCTAssertEqual(parse("2001-09-09 01:46:40.000001+00")?.timeIntervalSince1970 ?? 0, 1_000_000_000.000001, accuracy: 1e-7)
        XCTAssertEqual(parse("1901-12-13 20:45:52+00:00:00"), Date(timeIntervalSince1970: -2_147_483_648))
        XCTAssertEqual(parse("2001-09-09"), Date(timeIntervalSince1970: 999_993_600))
    }

    func testRejectsWhatItCannotRepresent() {
        for text in ["infinity", "-infinity", "0044-03-15 12:00:00+00 BC", "09/09/2001", "2001-13-01", "2001-09-09 01:46", ""] {
            XCTAssertNil(parse(text), text)
        }
    }

    func testFormatAndParseRoundTrip() {
        for seconds in [0.0, 1.000001, -86_400.5, 1_795_000_000.123456, 253_402_300_799] {
            let date = Date(timeIntervalSince1970: seconds)
            XCTAssertEqual(parse(PostgresTimestamp.format(date))?.timeIntervalSince1970 ?? .nan, seconds, accuracy: 1e-6)
        }
    }
}
