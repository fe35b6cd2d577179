import Foundation
import Importer
import Inventory
import Postgres
import Schema
import TestSupport
import XCTest

/// A database with the schema and the demo dataset, made once per test class; each test makes the
/// stock items it changes (`makeItem`), so tests do not depend on one another.
class InventoryTestCase: XCTestCase {
    static let demoFile: String = {
        if let shared = ProcessInfo.processInfo.environment["STOCKROOM_SHARED_DIR"] { return shared + "/demo-dataset/inventree_data.json" }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.deletingLastPathComponent().appendingPathComponent("shared/demo-dataset/inventree_data.json").path
    }()

    private(set) var pool: PostgresPool!
    private(set) var connection: PostgresConnection!
    private(set) var inventory: Inventory!

    override func setUpWithError() throws {
        try super.setUpWithError()
        let name = ClassDatabase.name(of: Self.self)
        let url = try ClassDatabase.url(named: name) { url in
            let connection = try PostgresConnection(url)
            _ = try Migrator().apply(Schema.migrations, using: connection)
            _ = try InvenTreeImporter.run(file: Self.demoFile, connection: connection,
                                          options: ImportOptions(mediaRoot: try TestEnvironment.current().scratchDirectory + "/media-" + name))
        }
        pool = PostgresPool(url: url, minimumConnections: 0, maximumConnections: 8)
        connection = try PostgresConnection(url)
        inventory = Inventory(pool: pool)
    }

    override func tearDownWithError() throws {
        pool?.close()
        connection = nil
        try super.tearDownWithError()
    }

    override class func tearDown() {
        ClassDatabase.drop(named: ClassDatabase.name(of: self))
        super.tearDown()
    }

    /// A new stock item of `part` (demo part 28 is a resistor reel) at `location`, with extra columns set.
    func makeItem(part: Int = 28, quantity: String = "100", location: Int? = 8, extra: String = "") throws -> Int {
        try connection.query("""
            INSERT INTO stock_stockitem (part_id, quantity, location_id, creation_date, updated)
            VALUES ($1, $2::numeric, $3, now(), now()) RETURNING id
            """, [part, quantity, location]).singleRow().decode(0, as: Int.self).also { id in
            if !extra.isEmpty { try connection.execute("UPDATE stock_stockitem SET \(extra) WHERE id = $1", [id]) }
        }
    }

    /// Column values of one item as text (nil for NULL); nil when the item no longer exists.
    func item(_ id: Int, _ columns: String = "quantity::float8::text, location_id, customer_id, belongs_to_id, status, serial, parent_id")
        throws -> [String?]? {
        let result = try connection.query("SELECT \(columns) FROM stock_stockitem WHERE id = $1", [id])
        guard let row = result.first else { return nil }
        return (0..<result.columnCount).map { row[$0]?.text }
    }

    /// The tracking entries of an item, oldest first, as "code deltas".
    func tracking(_ id: Int) throws -> [String] {
        try connection.query("""
            SELECT tracking_type::text || ' ' || coalesce(deltas::text, 'null') FROM stock_stockitemtracking
            WHERE item_id = $1 ORDER BY id
            """, [id]).map { try $0.decode(0, as: String.self) }
    }

    /// Runs `body` and returns the validation error it throws (failing if it throws none or another error).
    func validationError<R>(_ body: () throws -> R, file: StaticString = #filePath, line: UInt = #line) -> StockValidationError? {
        do {
            _ = try body()
            XCTFail("expected a validation error", file: file, line: line)
        } catch let error as StockValidationError {
            return error
        } catch {
            XCTFail("expected a validation error, got \(error)", file: file, line: line)
        }
        return nil
    }
}

extension Int {
    func also(_ body: (Int) throws -> Void) rethrows -> Int {
        try body(self)
        return self
    }
}
