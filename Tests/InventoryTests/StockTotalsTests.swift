import Foundation
import Inventory
import Postgres
import XCTest

/// Migration 14's `part_stocktotal` and `stockroom_rowcount` against the stock items themselves, after every kind of
/// stock change: the totals must stay exact, not approximately right.
final class StockTotalsTests: InventoryTestCase {
    /// Parts whose kept totals differ from the sums over their stock items, as "part: kept != summed".
    func totalsMismatches() throws -> [String] {
        try connection.query("""
            WITH summed AS (
                SELECT s.part_id,
                    sum(s.quantity) FILTER (WHERE s.quantity > 0 AND s.sales_order_id IS NULL AND s.belongs_to_id IS NULL
                        AND s.customer_id IS NULL AND s.consumed_by_id IS NULL AND NOT s.is_building AND s.status IN (10, 50, 55)) AS in_stock,
                    count(*) AS item_count,
                    sum(s.quantity) FILTER (WHERE s.is_building) AS building,
                    sum(s.quantity) FILTER (WHERE s.quantity > 0 AND s.sales_order_id IS NULL AND s.belongs_to_id IS NULL
                        AND s.customer_id IS NULL AND s.consumed_by_id IS NULL AND NOT s.is_building AND s.status IN (10, 50, 55)
                        AND l.external) AS external_stock
                FROM stock_stockitem s LEFT JOIN stock_stocklocation l ON l.id = s.location_id GROUP BY s.part_id)
            SELECT coalesce(k.part_id, e.part_id) || ': ' || concat_ws(' ', k.in_stock, k.item_count, k.building, k.external_stock)
                || ' != ' || concat_ws(' ', e.in_stock, e.item_count, e.building, e.external_stock)
            FROM part_stocktotal k FULL JOIN summed e ON e.part_id = k.part_id
            WHERE coalesce(k.in_stock, 0) <> coalesce(e.in_stock, 0) OR coalesce(k.item_count, 0) <> coalesce(e.item_count, 0)
                OR coalesce(k.building, 0) <> coalesce(e.building, 0) OR coalesce(k.external_stock, 0) <> coalesce(e.external_stock, 0)
            ORDER BY 1
            """).map { try $0.decode(0, as: String.self) }
    }

    func assertExact(_ step: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try totalsMismatches(), [], "after \(step)", file: file, line: line)
        for table in ["part_part", "stock_stockitem"] {
            let kept = try connection.query("SELECT row_count FROM stockroom_rowcount WHERE table_name = $1", [table]).singleRow()
                .decode(0, as: Int.self)
            let counted = try connection.query("SELECT count(*) FROM \(table)").singleRow().decode(0, as: Int.self)
            XCTAssertEqual(kept, counted, "row count of \(table) after \(step)", file: file, line: line)
        }
    }

    /// The kept in-stock quantity of `part` (0 without a row).
    func inStock(_ part: Int) throws -> Double {
        try connection.query("SELECT coalesce((SELECT in_stock FROM part_stocktotal WHERE part_id = $1), 0)::float8", [part])
            .singleRow().decode(0, as: Double.self)
    }

    func testTheImportedDataStartsExact() throws {
        try assertExact("the import")
        XCTAssertGreaterThan(try connection.query("SELECT count(*) FROM part_stocktotal WHERE in_stock > 0").singleRow()
            .decode(0, as: Int.self), 0, "the demo dataset has parts in stock")
    }

    func testEveryStockActionKeepsTheTotalsExact() throws {
        let before = try inStock(28)
        let id = try makeItem(part: 28, quantity: "100")
        XCTAssertEqual(try inStock(28), before + 100)
        try assertExact("create")
        try inventory.perform(userID: 1) { try $0.add(itemID: id, quantity: 5) }
        XCTAssertEqual(try inStock(28), before + 105)
        try assertExact("add")
        try inventory.perform(userID: 1) { try $0.remove(itemID: id, quantity: 7.5) }
        XCTAssertEqual(try inStock(28), before + 97.5)
        try assertExact("remove")
        try inventory.perform(userID: 1) { try $0.count(itemID: id, quantity: 90) }
        XCTAssertEqual(try inStock(28), before + 90)
        try assertExact("count")
        let split = try inventory.perform(userID: 1) { try $0.transfer(itemID: id, quantity: 30, locationID: 10) }
        XCTAssertEqual(try inStock(28), before + 90, "a split moves stock, it does not make any")
        try assertExact("partial transfer (split)")
        try inventory.perform(userID: 1) { try $0.transfer(itemID: split, locationID: 11) }
        try assertExact("whole transfer")
        try inventory.perform(userID: 1) { try $0.merge(itemIDs: [id, split], locationID: 8) }
        XCTAssertEqual(try inStock(28), before + 90)
        try assertExact("merge (deletes the merged item)")
        try inventory.perform(userID: 1) { try $0.changeStatus(itemIDs: [id], status: 70) }
        XCTAssertEqual(try inStock(28), before, "lost stock is not in stock")
        try assertExact("status change to lost")
        try inventory.perform(userID: 1) { try $0.changeStatus(itemIDs: [id], status: 50) }
        XCTAssertEqual(try inStock(28), before + 90, "attention needed is still in stock")
        try assertExact("status change back")
        try inventory.perform(userID: 1) { try $0.remove(itemID: id, quantity: 90) }
        XCTAssertEqual(try inStock(28), before)
        try assertExact("depletion (deletes the item)")

        let serialized = try makeItem(part: 77, quantity: "10", location: 8)
        let first = try XCTUnwrap(Int(try inventory.perform(userID: 1) { try $0.nextSerial(partID: 77) } ?? ""))
        _ = try inventory.perform(userID: 1) {
            try $0.serialize(itemID: serialized, quantity: 3, serialNumbers: "\(first + 500)-\(first + 502)", locationID: 10)
        }
        try assertExact("serialise")

        let customerItem = try makeItem(part: 94, quantity: "2", location: 8)
        try inventory.perform(userID: 1) { try $0.assignToCustomer(itemIDs: [customerItem], customerID: 30) }
        try assertExact("sent to a customer")
        try inventory.perform(userID: 1) { try $0.returnFromCustomer(itemID: customerItem, locationID: 10, status: 10) }
        try assertExact("returned from a customer")

        let pair = try connection.query("""
            SELECT b.part_id, b.sub_part_id FROM part_bomitem b JOIN part_part p ON p.id = b.sub_part_id
            WHERE NOT p.trackable ORDER BY b.id LIMIT 1
            """).singleRow()
        let assembly = try makeItem(part: try pair.decode(0, as: Int.self), quantity: "1")
        let component = try makeItem(part: try pair.decode(1, as: Int.self), quantity: "10")
        let installed = try inventory.perform(userID: 1) { try $0.install(itemID: component, into: assembly, quantity: 4) }
        try assertExact("install")
        try inventory.perform(userID: 1) { try $0.uninstall(itemID: installed, locationID: 11) }
        try assertExact("uninstall")

        try connection.execute("UPDATE stock_stockitem SET is_building = true WHERE id = $1", [component])
        try assertExact("in production")
        try connection.execute("UPDATE stock_stockitem SET part_id = 29 WHERE id = $1", [component])
        try assertExact("a change of part")
        try connection.execute("DELETE FROM stock_stockitem WHERE id = ANY($1::integer[])", ["{\(component),\(assembly)}"])
        try assertExact("delete")
    }

    func testExternalLocationsMoveStockInAndOut() throws {
        let location = try connection.query("""
            INSERT INTO stock_stocklocation (name, tree_path, pathstring) VALUES ('Totals test shelf', '{}', '') RETURNING id
            """).singleRow().decode(0, as: Int.self)
        _ = try makeItem(part: 28, quantity: "12", location: location)
        let other = try makeItem(part: 29, quantity: "3", location: location)
        try connection.execute("UPDATE stock_stocklocation SET external = true WHERE id = $1", [location])
        XCTAssertEqual(try connection.query("SELECT external_stock::float8 FROM part_stocktotal WHERE part_id = 28").singleRow()
            .decode(0, as: Double.self), 12 + (try externalElsewhere(part: 28, besides: location)))
        try assertExact("a location becoming external")
        try inventory.perform(userID: 1) { try $0.transfer(itemID: other, locationID: 8) }
        try assertExact("a transfer out of an external location")
        try connection.execute("DELETE FROM stock_stocklocation WHERE id = $1", [location])
        try assertExact("deleting an external location")
    }

    func externalElsewhere(part: Int, besides location: Int) throws -> Double {
        try connection.query("""
            SELECT coalesce(sum(s.quantity), 0)::float8 FROM stock_stockitem s JOIN stock_stocklocation l ON l.id = s.location_id
            WHERE s.part_id = $1 AND l.external AND l.id <> $2 AND s.quantity > 0 AND s.sales_order_id IS NULL
                AND s.belongs_to_id IS NULL AND s.customer_id IS NULL AND s.consumed_by_id IS NULL AND NOT s.is_building
                AND s.status IN (10, 50, 55)
            """, [part, location]).singleRow().decode(0, as: Double.self)
    }

    func testConcurrentChangesToOnePartAddUp() throws {
        let items = try (0..<4).map { _ in try makeItem(part: 28, quantity: "50") }
        let before = try inStock(28)
        let group = DispatchGroup()
        let failures = FailureList()
        for id in items {
            group.enter()
            Thread.detachNewThread { [inventory] in
                defer { group.leave() }
                for _ in 0..<10 {
                    do { try inventory!.perform(userID: 1) { try $0.remove(itemID: id, quantity: 1) } } catch { failures.append("\(error)") }
                }
            }
        }
        XCTAssertEqual(group.wait(timeout: .now() + 60), .success)
        XCTAssertEqual(failures.items, [])
        XCTAssertEqual(try inStock(28), before - 40)
        try assertExact("concurrent removals from items of one part")
    }

    func testAGeneratedInventoryIsCountedAsItGoesIn() throws {
        _ = try DemoGenerator.run(DemoGenerator.Options(parts: 200, stock: 2000, locations: 300, seed: 3, batchSize: 700),
                                  connection: connection)
        try assertExact("generate-demo")
    }

    func testDeletingAPartDropsItsTotalsAndCounts() throws {
        let part = try connection.query("INSERT INTO part_part (name, description) VALUES ('Totals test part', '') RETURNING id")
            .singleRow().decode(0, as: Int.self)
        _ = try makeItem(part: part, quantity: "9")
        XCTAssertEqual(try inStock(part), 9)
        try assertExact("a new part with stock")
        try connection.execute("DELETE FROM part_part WHERE id = $1", [part])
        XCTAssertEqual(try connection.query("SELECT count(*) FROM part_stocktotal WHERE part_id = $1 AND (in_stock <> 0 OR item_count <> 0)",
                                            [part]).singleRow().decode(0, as: Int.self), 0)
        try assertExact("deleting the part (its stock cascades)")
    }
}
