import Foundation
import Postgres
import XCTest

/// The schema itself keeps bad data out and keeps the trees right, whoever writes.
final class SchemaConstraintTests: ImporterTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        try emptyInventory()
    }

    func refused(_ sql: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            try connection.execute(sql)
            XCTFail("the database accepted: \(sql)", file: file, line: line)
        } catch {
            return "\(error)"
        }
        return ""
    }

    func testTreesFollowMovesAndRenamesAndRefuseCycles() throws {
        try connection.runScript("""
            INSERT INTO stock_stocklocation (id, name, parent_id) VALUES (1, 'Shop', NULL), (2, 'Shelf', 1), (3, 'Bin', 2), (4, 'Store', NULL);
            UPDATE stock_stocklocation SET parent_id = 4 WHERE id = 2;
            UPDATE stock_stocklocation SET name = 'Warehouse' WHERE id = 4;
            """)
        XCTAssertEqual(try lines("SELECT id, tree_path, level, pathstring FROM stock_stocklocation ORDER BY tree_path"), [
            "1|{1}|0|Shop", "4|{4}|0|Warehouse", "2|{4,2}|1|Warehouse/Shelf", "3|{4,2,3}|2|Warehouse/Shelf/Bin",
        ])
        XCTAssertEqual(try lines("SELECT id FROM stock_stocklocation WHERE tree_path @> ARRAY[4] ORDER BY id"), ["2", "3", "4"])
        let message = refused("UPDATE stock_stocklocation SET parent_id = 3 WHERE id = 4")
        XCTAssertTrue(message.contains("descendants"), message)
        XCTAssertTrue(refused("INSERT INTO part_partcategory (id, name, parent_id) VALUES (9, 'Orphan', 77)").contains("does not exist"))
        // the descendants query can use the tree index (the planner may prefer a scan of a tiny table)
        try connection.execute("SET enable_seqscan = off")
        let plan = try lines("EXPLAIN SELECT id FROM stock_stocklocation WHERE tree_path @> ARRAY[4]").joined(separator: "\n")
        try connection.execute("RESET enable_seqscan")
        XCTAssertTrue(plan.contains("stock_stocklocation_tree_path"), plan)
    }

    func testQuantitiesStatusCodesAndKeysAreChecked() throws {
        try connection.runScript("""
            INSERT INTO part_part (id, name) VALUES (1, 'Resistor');
            INSERT INTO company_company (id, name) VALUES (1, 'ACME');
            """)
        XCTAssertTrue(refused("INSERT INTO stock_stockitem (part_id, quantity) VALUES (1, -1)").contains("check"))
        XCTAssertTrue(refused("INSERT INTO stock_stockitem (part_id, status) VALUES (1, 11)").contains("check"))
        XCTAssertTrue(refused("INSERT INTO order_purchaseorder (reference, status) VALUES ('PO-1', 15)").contains("check"))
        XCTAssertTrue(refused("INSERT INTO order_salesorder (reference, status) VALUES ('SO-1', 35)").contains("check"))
        XCTAssertTrue(refused("INSERT INTO build_build (reference, part_id, status) VALUES ('BO-1', 1, 50)").contains("check"))
        XCTAssertTrue(refused("INSERT INTO stock_stockitem (part_id) VALUES (2)").contains("foreign key"))
        try connection.execute("INSERT INTO part_part (name, ipn, revision) VALUES ('Widget', 'W1', 'A')")
        XCTAssertTrue(refused("INSERT INTO part_part (name, ipn, revision) VALUES ('Widget', 'W1', 'A')").contains("unique"))
        try connection.execute("INSERT INTO common_parametertemplate (id, name) VALUES (1, 'Length')")
        XCTAssertTrue(refused("INSERT INTO common_parameter (model_type, model_id, template_id) VALUES ('nothing', 1, 1)")
            .contains("not a kind of record"))
        XCTAssertTrue(refused("INSERT INTO common_parameter (model_type, model_id, template_id, data) VALUES ('part', 99, 1, '4')").contains("does not exist"))
        try connection.execute("INSERT INTO common_parameter (model_type, model_id, template_id, data) VALUES ('part', 1, 1, '4')")
        XCTAssertTrue(refused("INSERT INTO common_attachment (model_type, model_id, attachment) VALUES ('part', 1, '../secret')").contains("check"))
    }

    func testDeletingAPartTakesItsStockAndClearsReferences() throws {
        try connection.runScript("""
            INSERT INTO stock_stocklocation (id, name) VALUES (1, 'Shop');
            INSERT INTO part_part (id, name, default_location_id) VALUES (1, 'Resistor', 1), (2, 'Variant', NULL);
            UPDATE part_part SET variant_of_id = 1 WHERE id = 2;
            INSERT INTO stock_stockitem (id, part_id, location_id) VALUES (1, 1, 1);
            DELETE FROM part_part WHERE id = 1;
            """)
        XCTAssertEqual(try count("stock_stockitem"), 0)
        XCTAssertEqual(try lines("SELECT variant_of_id FROM part_part WHERE id = 2"), ["∅"])
    }
}
