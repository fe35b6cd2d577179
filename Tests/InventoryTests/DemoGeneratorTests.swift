import Inventory
import Postgres
import XCTest

final class DemoGeneratorTests: InventoryTestCase {
    func testGeneratesADeepRealisticInventoryAfterTheDemoData() throws {
        let before = try connection.query("SELECT (SELECT count(*) FROM part_part), (SELECT count(*) FROM stock_stockitem)").singleRow()
        let partsBefore = try before.decode(0, as: Int.self), stockBefore = try before.decode(1, as: Int.self)
        var stages = Set<String>()
        let report = try DemoGenerator.run(DemoGenerator.Options(parts: 500, stock: 3000, locations: 3000, seed: 7, batchSize: 700),
                                           connection: connection, progress: { stage, _, _ in stages.insert(stage) })
        XCTAssertEqual(stages, ["locations", "parts", "stock"])
        XCTAssertEqual(report.locations, 3000)
        XCTAssertEqual(report.parts, 500)
        XCTAssertEqual(report.stockItems, 3000)
        XCTAssertEqual(try connection.query("SELECT count(*) FROM part_part").singleRow().decode(0, as: Int.self), partsBefore + 500)
        XCTAssertEqual(try connection.query("SELECT count(*) FROM stock_stockitem").singleRow().decode(0, as: Int.self), stockBefore + 3000)

        // The location tree is deep and its paths are kept by the schema's triggers.
        let deepest = try connection.query("SELECT max(level), count(DISTINCT tree_path[1]) FROM stock_stocklocation WHERE name LIKE 'Bin %'").singleRow()
        XCTAssertEqual(try deepest.decode(0, as: Int.self), 6)
        let path = try connection.query("SELECT pathstring FROM stock_stocklocation WHERE name LIKE 'Bin %' ORDER BY id LIMIT 1")
            .singleRow().decode(0, as: String.self)
        XCTAssertEqual(path, "Rotterdam Site/Building A/Floor 0/Stores/Rack R01/Shelf 1/Bin 01")
        XCTAssertEqual(try connection.query("""
            SELECT count(*) FROM stock_stockitem s JOIN stock_stocklocation l ON l.id = s.location_id WHERE l.structural
            """).singleRow().decode(0, as: Int.self), 0, "no stock in structural locations")

        // Parts have IPNs and categories; trackable parts have serialized stock with unique serials.
        XCTAssertEqual(try connection.query("SELECT count(*) FROM part_part WHERE ipn LIKE 'PRT-%' AND category_id IS NOT NULL")
            .singleRow().decode(0, as: Int.self), 500)
        let serialized = try connection.query("""
            SELECT count(*), count(DISTINCT (part_id, serial)), bool_and(quantity = 1) FROM stock_stockitem s
            JOIN part_part p ON p.id = s.part_id WHERE p.trackable AND p.ipn LIKE 'PRT-%'
            """).singleRow()
        XCTAssertGreaterThan(try serialized.decode(0, as: Int.self), 0)
        XCTAssertEqual(try serialized.decode(0, as: Int.self), try serialized.decode(1, as: Int.self))
        XCTAssertEqual(try serialized.decode(2, as: Bool.self), true)

        // Every generated item has its creation entry, and new rows get fresh ids after the generated ones.
        XCTAssertEqual(try connection.query("""
            SELECT count(*) FROM stock_stockitemtracking t JOIN stock_stockitem s ON s.id = t.item_id
            WHERE t.tracking_type = 1 AND (t.deltas->>'location')::int = s.location_id
            """).singleRow().decode(0, as: Int.self) >= 3000, true)
        let id = try makeItem(quantity: "1")
        XCTAssertEqual(try connection.query("SELECT max(id) FROM stock_stockitem").singleRow().decode(0, as: Int.self), id)
        let generatedName = try connection.query("SELECT name FROM part_part WHERE ipn LIKE 'PRT-%' ORDER BY id LIMIT 1")
            .singleRow().decode(0, as: String.self)
        XCTAssertFalse(generatedName.isEmpty)
    }

    func testTheSameSeedGivesTheSameInventoryAndBadCountsAreRefused() throws {
        func generate() throws -> [String] {
            _ = try DemoGenerator.run(.init(parts: 20, stock: 0, locations: 0, seed: 42), connection: connection)
            return try connection.query("SELECT p.description || '/' || c.name FROM part_part p JOIN part_partcategory c ON c.id = p.category_id ORDER BY p.id DESC LIMIT 20")
                .map { try $0.decode(0, as: String.self) }
        }
        let first = try generate()
        XCTAssertEqual(first.count, 20)
        XCTAssertEqual(try generate(), first)
        let refused = validationLike { try DemoGenerator.run(.init(parts: 0, stock: 5, locations: 0), connection: connection) }
        XCTAssertTrue(refused.contains("stock items need at least one part and one location"), refused)
    }

    private func validationLike(_ body: () throws -> Any) -> String {
        do {
            _ = try body()
            return "no error"
        } catch {
            return "\(error)"
        }
    }
}
