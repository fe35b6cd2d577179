import Postgres
import Schema
import XCTest

/// Migration 15's `stockroom_dataversion`: one more per committed transaction that changed data, none for a rolled
/// back one or for a read, and every data table tracked (a table without the trigger would let a cache serve
/// rows older than a committed change).
final class DataVersionTests: InventoryTestCase {
    func version() throws -> Int {
        try connection.query("SELECT sum(version)::bigint FROM stockroom_dataversion").singleRow().decode(0, as: Int.self)
    }

    func testEveryDataTableRaisesTheVersion() throws {
        let untracked = try connection.query("""
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r'
              AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = 'stockroom_dataversion')
              AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = 'stockroom_dataversion_truncate')
            ORDER BY 1
            """).map { try $0.decode(0, as: String.self) }
        XCTAssertEqual(untracked, Schema.tablesOutsideDataVersion.sorted(),
                       "a new table needs stockroom_track_changes(...) in its migration, or a place in the untracked list")
    }

    func testOnePerCommittedTransactionWhateverItChanged() throws {
        let start = try version()
        try connection.transaction { connection in
            try connection.execute("UPDATE part_part SET description = description || '.' WHERE id IN (SELECT id FROM part_part LIMIT 20)")
            try connection.execute("UPDATE stock_stocklocation SET description = description WHERE id IN (SELECT id FROM stock_stocklocation LIMIT 3)")
        }
        XCTAssertEqual(try version(), start + 1)

        try connection.execute("UPDATE part_part SET keywords = keywords WHERE id = (SELECT min(id) FROM part_part)")
        XCTAssertEqual(try version(), start + 2, "a statement outside a transaction block is a transaction of its own")

        _ = try connection.query("SELECT count(*) FROM part_part")
        XCTAssertEqual(try version(), start + 2, "a read changes nothing")

        try connection.execute("BEGIN")
        try connection.execute("UPDATE part_part SET description = 'rolled back' WHERE id = (SELECT min(id) FROM part_part)")
        try connection.execute("ROLLBACK")
        XCTAssertEqual(try version(), start + 2, "a rolled back change was never seen")

        try connection.execute("UPDATE users_session SET expires_at = expires_at")
        XCTAssertEqual(try version(), start + 2, "sessions are outside the data version")
    }

    func testAConcurrentReaderSeesTheNewVersionWithTheChangeNotBefore() throws {
        let start = try version()
        let part = try connection.query("SELECT min(id) FROM part_part").singleRow().decode(0, as: Int.self)
        let read = "SELECT (SELECT sum(version)::bigint FROM stockroom_dataversion), name FROM part_part WHERE id = $1"
        try pool.withConnection { reader in
            try connection.execute("BEGIN")
            try connection.execute("UPDATE part_part SET name = name || ' (renamed)' WHERE id = $1", [part])
            let during = try reader.query(read, [part]).singleRow()
            XCTAssertEqual(try during.decode(0, as: Int.self), start)
            XCTAssertFalse(try during.decode(1, as: String.self).hasSuffix("(renamed)"))
            try connection.execute("COMMIT")
            let after = try reader.query(read, [part]).singleRow()
            XCTAssertEqual(try after.decode(0, as: Int.self), start + 1)
            XCTAssertTrue(try after.decode(1, as: String.self).hasSuffix("(renamed)"))
        }
    }

    func testTruncateRaisesTheVersion() throws {
        let start = try version()
        try connection.execute("TRUNCATE part_partstocktake")
        XCTAssertEqual(try version(), start + 1)
    }
}
