import Foundation
import Importer
import XCTest

/// The 2024 demo export: every record of a stored model lands in its table, the rest is listed
/// with a reason, media are copied, keys and sequences are right, and a second import is refused.
final class DemoDatasetImportTests: ImporterTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        try emptyInventory()
    }

    func testLoadsEveryRecordOfTheDemoDatasetAndListsWhatItSkips() throws {
        let fileCounts = try Self.modelCounts(json: Self.demo2024)
        var progressCalls: [(Int, Int)] = []
        let report = try importFile(Self.demo2024, media: Self.demoMedia) { done, total, _ in progressCalls.append((done, total)) }

        // every model of the file is either loaded or skipped, with the file's count
        var accounted: [String: Int] = [:]
        for entry in report.loaded { accounted[entry.model] = entry.count }
        for entry in report.skipped {
            XCTAssertNil(accounted[entry.model], "\(entry.model) both loaded and skipped")
            XCTAssertFalse(entry.reason.isEmpty)
            accounted[entry.model] = entry.count
        }
        XCTAssertEqual(accounted, fileCounts)
        XCTAssertEqual(Set(report.skipped.map(\.model)), [
            "common.newsfeedentry", "label.stockitemlabel", "label.stocklocationlabel", "label.partlabel", "label.buildlinelabel",
            "part.partpricing", "report.testreport", "report.buildreport", "report.billofmaterialsreport",
            "report.purchaseorderreport", "report.salesorderreport", "report.returnorderreport", "report.stocklocationreport",
            "plugin.notificationusersetting",
        ])

        // the rows in the tables are the records of the file
        let tables = try tableCounts()
        let expected: [String: String] = [
            "part_part": "part.part", "part_partcategory": "part.partcategory", "stock_stockitem": "stock.stockitem",
            "stock_stocklocation": "stock.stocklocation", "stock_stockitemtracking": "stock.stockitemtracking",
            "company_supplierpricebreak": "company.supplierpricebreak", "company_supplierpart": "company.supplierpart",
            "common_parameter": "part.partparameter", "common_parametertemplate": "part.partparametertemplate",
            "common_attachment": "part.partattachment", "build_buildline": "build.buildline", "build_builditem": "build.builditem",
            "part_bomitem": "part.bomitem", "auth_user": "auth.user", "auth_group": "auth.group", "users_owner": "users.owner",
            "order_salesorderallocation": "order.salesorderallocation", "common_inventreesetting": "common.inventreesetting",
            "part_partstocktake": "part.partstocktake", "stock_stockitemtestresult": "stock.stockitemtestresult",
        ]
        for (table, model) in expected {
            XCTAssertEqual(tables[table], fileCounts[model], "\(table) should hold the \(model) records")
        }
        // 30 rule sets, less 3 of the removed stocktake role, plus bom and transfer_order for 3 groups
        XCTAssertEqual(tables["users_ruleset"], 33)
        XCTAssertEqual(try lines("""
            SELECT u.username, g.name FROM auth_user_groups m JOIN auth_user u ON u.id = m.user_id
            JOIN auth_group g ON g.id = m.group_id ORDER BY u.username
            """), ["allaccess|all access", "engineer|engineering", "reader|readers"])
        XCTAssertEqual(report.tableCounts.first { $0.table == "part_part" }?.count, 414)

        XCTAssertEqual(progressCalls.last.map { $0.0 == $0.1 }, true, "the progress ends at the total")
        XCTAssertTrue(progressCalls.count > 10)
    }

    func testKeepsInvenTreeKeysAndMovesTheSequences() throws {
        try importFile(Self.demo2024)
        XCTAssertEqual(try lines("SELECT id, name, ipn FROM part_part WHERE id = 72"), ["72|Red Widget|widget.red"])
        XCTAssertEqual(try lines("SELECT username FROM auth_user ORDER BY id"), ["admin", "reader", "engineer", "allaccess"])
        let maxPart = try connection.query("SELECT max(id) FROM part_part").singleRow().decode(0, as: Int.self)
        let newID = try connection.query("INSERT INTO part_part (name) VALUES ('new part') RETURNING id").singleRow().decode(0, as: Int.self)
        XCTAssertEqual(newID, maxPart + 1)
        let newItem = try connection.query("INSERT INTO stock_stockitem (part_id) VALUES (1) RETURNING id").singleRow().decode(0, as: Int.self)
        XCTAssertGreaterThan(newItem, try connection.query("SELECT max(id) FROM stock_stockitem WHERE id <> $1", [newItem]).singleRow().decode(0, as: Int.self))
    }

    func testBuildsTheTreesAndAnswersDescendantsWithTheIndex() throws {
        try importFile(Self.demo2024)
        let file = try Self.records(Self.demo2024, model: "part.partcategory")
        for record in file {
            let fields = try XCTUnwrap(record["fields"] as? [String: Any])
            let pk = try XCTUnwrap(record["pk"] as? Int)
            XCTAssertEqual(try lines("SELECT pathstring, level FROM part_partcategory WHERE id = \(pk)"),
                           ["\(fields["pathstring"] as? String ?? "")|\(fields["level"] as? Int ?? -1)"])
        }
        // all descendants of a category: the same set as walking the parent keys
        let root = try connection.query("SELECT id FROM part_partcategory WHERE parent_id IS NULL ORDER BY id LIMIT 1").singleRow().decode(0, as: Int.self)
        let byIndex = try lines("SELECT id FROM part_partcategory WHERE tree_path @> ARRAY[\(root)] ORDER BY id")
        let byWalk = try lines("""
            WITH RECURSIVE sub AS (SELECT id FROM part_partcategory WHERE id = \(root)
                UNION ALL SELECT c.id FROM part_partcategory c JOIN sub ON c.parent_id = sub.id)
            SELECT id FROM sub ORDER BY id
            """)
        XCTAssertEqual(byIndex, byWalk)
        XCTAssertGreaterThan(byIndex.count, 1)
    }

    func testCopiesTheMediaFilesWithTheirPaths() throws {
        let report = try importFile(Self.demo2024, media: Self.demoMedia)
        XCTAssertEqual(report.mediaCopied.count, 106)
        XCTAssertTrue(report.mediaMissing.isEmpty, "\(report.mediaMissing)")
        for path in try lines("SELECT image FROM part_part WHERE image <> '' UNION SELECT attachment FROM common_attachment") {
            let copied = FileManager.default.contents(atPath: mediaRoot + "/" + path)
            XCTAssertNotNil(copied, path)
            XCTAssertEqual(copied, FileManager.default.contents(atPath: Self.demoMedia + "/" + path), path)
        }
        XCTAssertEqual(try lines("SELECT file_size FROM common_attachment WHERE attachment = 'part_files/85/1591BTBU.pdf'"), ["391002"])
    }

    func testRefusesASecondImportAndReplacesOnRequest() throws {
        try importFile(Self.demo2024)
        try connection.execute("UPDATE part_part SET name = 'changed by hand' WHERE id = 1")
        let before = try tableCounts()
        let message = importError { try importFile(Self.demo530) }
        XCTAssertTrue(message.contains("--replace"), message)
        XCTAssertEqual(try tableCounts(), before)
        XCTAssertEqual(try lines("SELECT name FROM part_part WHERE id = 1"), ["changed by hand"])

        let report = try importFile(Self.demo530, replace: true)
        XCTAssertTrue(report.replaced)
        XCTAssertEqual(try lines("SELECT name FROM part_part WHERE id = 1"), ["R_10R_0402_1%"])
        XCTAssertEqual(try count("part_part"), 414)
        XCTAssertEqual(try count("common_parameter"), 1194)
    }

    static func records(_ path: String, model: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let list = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        return list.filter { $0["model"] as? String == model }
    }
}
