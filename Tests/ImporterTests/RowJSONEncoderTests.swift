import Foundation
@testable import Importer
import XCTest

/// The JSON the importer sends to PostgreSQL keeps every value's type: booleans stay booleans,
/// integers integers, and strings come back byte for byte.
final class RowJSONEncoderTests: XCTestCase {
    func row(_ values: [String: Any]) -> PlannedRow {
        PlannedRow(values: values, record: InvenTreeRecord(model: "part.part", pk: 1, fields: [:], position: 0))
    }

    func testKeepsTypesOfParsedAndSwiftValues() throws {
        let parsed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data("""
            {"flag": true, "off": false, "one": 1, "zero": 0, "big": 12345678901, "half": 0.5, "whole": 402.0,
             "text": "a \\"quoted\\" \\\\ line\\nnext\\u0001 ünïcødé", "none": null, "meta": {"list": [1, "x", false]}}
            """.utf8)) as? [String: Any])
        let swiftValues: [String: Any] = ["swiftTrue": true, "swiftInt": 7, "swiftText": "t", "yamlNumber": NSNumber(value: 3)]
        let json = try RowJSONEncoder.encode([row(parsed.merging(swiftValues) { first, _ in first })][...])
        let back = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]]).first
        let values = try XCTUnwrap(back)
        XCTAssertEqual(values["flag"] as? Bool, true)
        XCTAssertTrue(json.contains("\"flag\":true") && json.contains("\"off\":false") && json.contains("\"swiftTrue\":true"), json)
        XCTAssertTrue(json.contains("\"one\":1") && json.contains("\"zero\":0") && json.contains("\"swiftInt\":7"), json)
        XCTAssertTrue(json.contains("\"yamlNumber\":3") && json.contains("\"big\":12345678901") && json.contains("\"whole\":402"), json)
        XCTAssertEqual(values["half"] as? Double, 0.5)
        XCTAssertEqual(values["text"] as? String, "a \"quoted\" \\ line\nnext\u{1} ünïcødé")
        XCTAssertTrue(values["none"] is NSNull)
        let meta = try XCTUnwrap(values["meta"] as? [String: Any])
        XCTAssertEqual((meta["list"] as? [Any])?.count, 3)
    }

    func testRefusesWhatIsNotJSON() {
        XCTAssertThrowsError(try RowJSONEncoder.encode([row(["when": Date()])][...]))
        XCTAssertThrowsError(try RowJSONEncoder.encode([row(["inf": NSNumber(value: Double.infinity)])][...]))
    }
}
