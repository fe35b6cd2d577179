import Foundation
import Importer
import XCTest

/// InvenTree's YAML test fixtures (what the Python client's tests expect on their server) load
/// as one set, record for record.
final class FixtureImportTests: ImporterTestCase {
    /// Records per model in the fixture files, counted from their `- model:` lines.
    static func fixtureCounts() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: fixtures) where name.hasSuffix(".yaml") {
            let text = try String(contentsOfFile: fixtures + "/" + name, encoding: .utf8)
            for line in text.split(separator: "\n") where line.hasPrefix("- model:") {
                counts[line.dropFirst("- model:".count).trimmingCharacters(in: .whitespaces).lowercased(), default: 0] += 1
            }
        }
        return counts
    }

    func testLoadsEveryFixtureRecord() throws {
        try emptyInventory()
        let expected = try Self.fixtureCounts()
        let report = try importFile(Self.fixtures)
        XCTAssertTrue(report.skipped.isEmpty, "\(report.skipped)")
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: report.loaded.map { ($0.model, $0.count) }), expected)
        XCTAssertTrue(report.droppedFields.allSatisfy { $0.reason != nil }, "unknown fields: \(report.droppedFields)")
        let tables: [String: String] = [
            "part_part": "part.part", "part_partcategory": "part.partcategory", "stock_stockitem": "stock.stockitem",
            "stock_stocklocation": "stock.stocklocation", "company_company": "company.company", "build_build": "build.build",
            "order_purchaseorder": "order.purchaseorder", "order_salesorder": "order.salesorder",
            "order_returnorder": "order.returnorder", "order_transferorder": "order.transferorder",
            "common_parameter": "common.parameter", "part_parttesttemplate": "part.parttesttemplate",
            "stock_stockitemtestresult": "stock.stockitemtestresult", "auth_user": "auth.user", "auth_group": "auth.group",
            "part_partcategoryparametertemplate": "part.partcategoryparametertemplate",
        ]
        for (table, model) in tables {
            XCTAssertEqual(try count(table), expected[model], "\(table) should hold the \(model) records")
        }
    }

    func testTheFixturesReadAsInvenTreeReadsThem() throws {
        try emptyInventory()
        try importFile(Self.fixtures)
        XCTAssertEqual(try lines("SELECT id, pathstring FROM part_partcategory ORDER BY id"), [
            "1|Electronics", "2|Electronics/Resistors", "3|Electronics/Capacitors", "4|Electronics/IC",
            "5|Electronics/IC/MCU", "6|Electronics/IC/Transceivers", "7|Mechanical", "8|Mechanical/Fasteners",
        ])
        XCTAssertEqual(try lines("SELECT g.name FROM auth_user_groups m JOIN auth_group g ON g.id = m.group_id WHERE m.user_id = 3 ORDER BY g.id"),
                       ["Viewers", "Engineers", "Sales"])
        // defaults of fields a fixture leaves out are InvenTree's
        XCTAssertEqual(try lines("SELECT username, is_active, is_staff, password FROM auth_user WHERE id = 1"), ["sue_the_superuser|t|f|"])
        XCTAssertEqual(try lines("SELECT name FROM part_part WHERE id IN (25, 50, 100, 101) ORDER BY id"), ["Widget", "Orphan", "Bob", "Assembly"])
        XCTAssertEqual(try lines("SELECT model_type, model_id FROM common_parameter WHERE id = 1"), ["part|1"])
    }
}
