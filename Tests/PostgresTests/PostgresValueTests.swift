import Foundation
import Postgres
import XCTest

final class PostgresValueTests: PostgresTestCase {
    func testEveryValueTypeRoundTripsThroughATable() throws {
        let connection = try connect()
        try connection.runScript("""
            CREATE TABLE every_type (
                id serial PRIMARY KEY, i8 bigint, i4 integer, f8 double precision, b boolean, t text,
                ts timestamptz, u uuid, bytes bytea, j jsonb, js json, n numeric
            )
            """)
        let date = Date(timeIntervalSince1970: 1_795_000_000.123456)
        let uuid = UUID()
        let insert = """
            INSERT INTO every_type (i8, i4, f8, b, t, ts, u, bytes, j, js, n)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id
            """
        let id = try connection.query(insert, [
            Int64.max, Int32.min, 0.1, true, "Grüße, 世界 🚀", date, uuid, [UInt8(0), 1, 255],
            PostgresJSON(#"{"a": [1, 2]}"#), PostgresJSON(#"{"b":true}"#), "12345678901234567890.123456789",
        ]).singleRow().decode("id", as: Int.self)

        let row = try connection.query("SELECT * FROM every_type WHERE id = $1", [id]).singleRow()
        XCTAssertEqual(try row.decode("i8", as: Int64.self), Int64.max)
        XCTAssertEqual(try row.decode("i8", as: Int.self), Int.max)
        XCTAssertEqual(try row.decode("i4", as: Int32.self), Int32.min)
        XCTAssertEqual(try row.decode("f8", as: Double.self), 0.1)
        XCTAssertEqual(try row.decode("b", as: Bool.self), true)
        XCTAssertEqual(try row.decode("t", as: String.self), "Grüße, 世界 🚀")
        XCTAssertEqual(try row.decode("ts", as: Date.self), date)
        XCTAssertEqual(try row.decode("u", as: UUID.self), uuid)
        XCTAssertEqual(try row.decode("u", as: String.self), uuid.uuidString.lowercased())
        XCTAssertEqual(try row.decode("bytes", as: [UInt8].self), [0, 1, 255])
        XCTAssertEqual(try row.decode("j", as: String.self), #"{"a": [1, 2]}"#)
        XCTAssertEqual(try row.decode("js", as: PostgresJSON.self), PostgresJSON(#"{"b":true}"#))
        XCTAssertEqual(try row.decode("n", as: String.self), "12345678901234567890.123456789")
    }

    func testNullBindsAndDecodesAsNilForOptionalsOnly() throws {
        let connection = try connect()
        let noInt: Int? = nil
        let row = try connection.query(
            "SELECT $1::int8 AS i, $2::text AS t, $3::bytea AS b, $4::timestamptz AS ts, $5::int8 AS present",
            [noInt, nil, nil, nil, 7 as Int?]).singleRow()
        XCTAssertNil(try row.decode("i", as: Int?.self))
        XCTAssertNil(try row.decode("t", as: String?.self))
        XCTAssertNil(try row.decode("b", as: [UInt8]?.self))
        XCTAssertNil(try row.decode("ts", as: Date?.self))
        XCTAssertEqual(try row.decode("present", as: Int?.self), 7)
        XCTAssertTrue(try row.isNull("i"))
        let error = expectPostgresError { _ = try row.decode("t", as: String.self) }
        XCTAssertEqual(error?.kind, .decoding)
        XCTAssertEqual(error?.message, "column 't' in row 0: expected String, found NULL")
    }

    func testLargeByteaRoundTripsExactly() throws {
        let connection = try connect()
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<(2 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes.append(contentsOf: (0...255).map { UInt8($0) })
        let row = try connection.query("SELECT $1::bytea AS data, length($1::bytea) AS size", [bytes]).singleRow()
        XCTAssertEqual(try row.decode("size", as: Int.self), bytes.count)
        XCTAssertEqual(try row.decode("data", as: [UInt8].self), bytes)
    }

    func testNumbersAtTheirLimitsAndSpecialDoubles() throws {
        let connection = try connect()
        let row = try connection.query(
            "SELECT $1::int8 AS min, $2::int4 AS i4, $3::float8 AS inf, $4::float8 AS ninf, $5::float8 AS nan, $6::float8 AS big, $7::float8 AS tiny",
            [Int.min, Int32.max, Double.infinity, -Double.infinity, Double.nan, 1e300, Double.leastNonzeroMagnitude]).singleRow()
        XCTAssertEqual(try row.decode("min", as: Int.self), Int.min)
        XCTAssertEqual(try row.decode("i4", as: Int32.self), Int32.max)
        XCTAssertEqual(try row.decode("inf", as: Double.self), .infinity)
        XCTAssertEqual(try row.decode("ninf", as: Double.self), -.infinity)
        XCTAssertTrue(try row.decode("nan", as: Double.self).isNaN)
        XCTAssertEqual(try row.decode("big", as: Double.self), 1e300)
        XCTAssertEqual(try row.decode("tiny", as: Double.self), Double.leastNonzeroMagnitude)
        XCTAssertEqual(try row.decode("i4", as: Double.self), Double(Int32.max))
    }

    func testUnicodeAndUntypedStringParameters() throws {
        let connection = try connect()
        let text = "ça va? 日本語 — e\u{301} 👩‍👩‍👧 \u{7F} 'quotes' \"double\" \\ back"
        let row = try connection.query("SELECT $1 AS t, length($1) AS n, $2::uuid AS u, $3::numeric + 1 AS n2", [
            text, "00000000-0000-0000-0000-000000000001", "1.5",
        ]).singleRow()
        XCTAssertEqual(try row.decode("t", as: String.self), text)
        XCTAssertEqual(try row.decode("n", as: Int.self), text.unicodeScalars.count)
        XCTAssertEqual(try row.decode("n2", as: String.self), "2.5")
    }

    func testTimestampsDecodeTheSameInstantInAnyServerTimeZone() throws {
        let connection = try connect()
        try connection.runScript("SET TimeZone TO 'Asia/Kolkata'")
        let date = Date(timeIntervalSince1970: 1_000_000_000.5)
        let row = try connection.query(
            "SELECT $1::timestamptz AS ts, $1::timestamptz::text AS local, '2001-09-09'::date AS d, '2001-09-09 01:46:40'::timestamp AS plain",
            [date]).singleRow()
        XCTAssertEqual(try row.decode("local", as: String.self), "2001-09-09 07:16:40.5+05:30")
        XCTAssertEqual(try row.decode("ts", as: Date.self), date)
        XCTAssertEqual(try row.decode("d", as: Date.self), Date(timeIntervalSince1970: 999_993_600))
        XCTAssertEqual(try row.decode("plain", as: Date.self), Date(timeIntervalSince1970: 1_000_000_000))
    }

    func testDecodingErrorsNameTheColumnTheRowAndWhatWasFound() throws {
        let connection = try connect()
        let result = try connection.query(
            "SELECT * FROM (VALUES (1, 1::numeric), (2, 1.5::numeric)) AS stock(id, quantity) ORDER BY id")
        XCTAssertEqual(try result[0].decode("quantity", as: Int.self), 1)
        let error = expectPostgresError { _ = try result[1].decode("quantity", as: Int.self) }
        XCTAssertEqual(error?.message, "column 'quantity' in row 1: expected Int, found numeric '1.5'")
        XCTAssertEqual(error?.column, "quantity")
        XCTAssertEqual(error?.row, 1)

        let overflow = expectPostgresError { _ = try connection.query("SELECT 3000000000::int8 AS big").singleRow().decode("big", as: Int32.self) }
        XCTAssertEqual(overflow?.message, "column 'big' in row 0: expected Int32, found bigint '3000000000'")

        let missing = expectPostgresError { _ = try result[0].decode("qty", as: Int.self) }
        XCTAssertEqual(missing?.message, "no column 'qty' in the result (columns: id, quantity)")

        let notBool = expectPostgresError { _ = try connection.query("SELECT 'yes'::text AS flag").singleRow().decode("flag", as: Bool.self) }
        XCTAssertEqual(notBool?.message, "column 'flag' in row 0: expected Bool, found text 'yes'")
    }

    func testRowsIterateInOrderWithColumnNames() throws {
        let connection = try connect()
        let result = try connection.query("SELECT n, n * n AS square FROM generate_series(1, $1::int) AS n", [1000])
        XCTAssertEqual(result.columnNames, ["n", "square"])
        XCTAssertEqual(result.rowCount, 1000)
        var expected = 1
        for row in result {
            XCTAssertEqual(try row.decode(0, as: Int.self), expected)
            XCTAssertEqual(try row.decode("square", as: Int.self), expected * expected)
            expected += 1
        }
        XCTAssertEqual(expected, 1001)
    }
}
