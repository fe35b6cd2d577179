import Foundation
import Importer
import XCTest

/// A broken export is refused as a whole: the database (and the media root) stay as they were,
/// and the error says which record and field is wrong.
final class BrokenInputTests: ImporterTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        try emptyInventory()
    }

    /// The 2024 demo records, as JSON objects, for tests to damage.
    func demoRecords() throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.demo2024))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    }

    func write(_ records: [[String: Any]], as name: String) throws -> String {
        try scratchFile(name, try JSONSerialization.data(withJSONObject: records))
    }

    /// Changes field `field` of record `model`/`pk`.
    func damage(_ records: inout [[String: Any]], model: String, pk: Int, field: String, to value: Any) throws {
        let index = try XCTUnwrap(records.firstIndex { $0["model"] as? String == model && $0["pk"] as? Int == pk })
        var fields = try XCTUnwrap(records[index]["fields"] as? [String: Any])
        fields[field] = value
        records[index]["fields"] = fields
    }

    func testATruncatedFileChangesNothing() throws {
        try importFile(Self.demo530)
        let before = try tableCounts()
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.demo2024))
        let truncated = try scratchFile("truncated.json", data.prefix(data.count / 2))
        let message = importError { try importFile(truncated, replace: true) }
        XCTAssertTrue(message.contains("not valid JSON"), message)
        XCTAssertEqual(try tableCounts(), before)
    }

    func testAMissingKeyIsNamedAndNothingIsWritten() throws {
        try importFile(Self.demo530)
        let before = try tableCounts()
        var records = try demoRecords()
        try damage(&records, model: "stock.stockitem", pk: 2, field: "part", to: 999_999)
        let path = try write(records, as: "missing-key.json")
        let message = importError { try importFile(path, media: Self.demoMedia, replace: true) }
        XCTAssertTrue(message.contains("(stock.stockitem pk 2) field 'part'"), message)
        XCTAssertTrue(message.contains("999999"), message)
        XCTAssertEqual(try tableCounts(), before, "--replace rolled back with the rest")
        XCTAssertFalse(FileManager.default.fileExists(atPath: mediaRoot + "/part_images/0402.jpg"))
    }

    func testAValueTheDatabaseRefusesIsNamedByRecord() throws {
        var records = try demoRecords()
        try damage(&records, model: "stock.stockitem", pk: 3, field: "quantity", to: "-5")
        let path = try write(records, as: "negative-quantity.json")
        let message = importError { try importFile(path, media: Self.demoMedia) }
        XCTAssertTrue(message.contains("stock.stockitem pk 3"), message)
        XCTAssertTrue(message.contains("quantity"), message)
        XCTAssertEqual(try count("part_part"), 0)
        XCTAssertEqual(try count("auth_user"), 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: mediaRoot + "/part_images/0402.jpg"), "media copies are taken back")
    }

    func testAnUnknownStatusCodeIsRefused() throws {
        var records = try demoRecords()
        try damage(&records, model: "order.purchaseorder", pk: 1, field: "status", to: 99)
        let message = importError { try importFile(try write(records, as: "bad-status.json")) }
        XCTAssertTrue(message.contains("order.purchaseorder pk 1"), message)
        XCTAssertEqual(try count("order_purchaseorder"), 0)
    }

    func testAMediaPathLeavingTheMediaDirectoryIsRefused() throws {
        var records = try demoRecords()
        try damage(&records, model: "part.part", pk: 1, field: "image", to: "../../etc/passwd")
        let message = importError { try importFile(try write(records, as: "escape.json"), media: Self.demoMedia) }
        XCTAssertTrue(message.contains("(part.part pk 1) field 'image'"), message)
        XCTAssertTrue(message.contains("leaves the media directory"), message)
    }

    func testAnUnknownUserIsNamed() throws {
        var records = try demoRecords()
        let entry = try XCTUnwrap(records.first { $0["model"] as? String == "stock.stockitemtracking" }?["pk"] as? Int)
        try damage(&records, model: "stock.stockitemtracking", pk: entry, field: "user", to: ["nobody"])
        let message = importError { try importFile(try write(records, as: "unknown-user.json")) }
        XCTAssertTrue(message.contains("(stock.stockitemtracking pk \(entry)) field 'user'"), message)
        XCTAssertTrue(message.contains("'nobody'"), message)
    }

    func testUnknownModelsAndFieldsAreListedNotDropped() throws {
        var records = try demoRecords()
        records.append(["model": "widgets.gizmo", "pk": 1, "fields": ["name": "x"]])
        try damage(&records, model: "part.part", pk: 1, field: "colour", to: "blue")
        let report = try importFile(try write(records, as: "unknown-model.json"))
        XCTAssertEqual(report.skipped.first { $0.model == "widgets.gizmo" }?.reason, "unknown model: Stockroom has no table for it")
        XCTAssertTrue(report.droppedFields.contains { $0.model == "part.part" && $0.field == "colour" && $0.count == 1 && $0.reason == nil })
        XCTAssertTrue(report.summary.contains("widgets.gizmo"), report.summary)
        XCTAssertTrue(report.summary.contains("part.part.colour in 1 records"), report.summary)
    }
}
