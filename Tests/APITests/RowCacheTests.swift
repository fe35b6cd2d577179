@testable import API
import Postgres
import XCTest

/// The version rules of `RowCache`, without a database.
final class RowCacheRulesTests: XCTestCase {
    let ids = [1, 2, 3]

    func version(_ counter: Int64, _ day: String = "2026-11-24") -> RowCache.Version {
        RowCache.Version(counter: counter, day: day)
    }

    func testRowsAreServedForTheVersionTheyWereReadAt() {
        let cache = RowCache(capacity: 1 << 20)
        cache.store([(1, Array("{\"pk\":1}".utf8))], selection: "part", userID: 7, version: version(5))
        XCTAssertEqual(cache.rows(ids, selection: "part", userID: 7, version: version(5))?[1], Array("{\"pk\":1}".utf8))
        XCTAssertEqual(cache.rows(ids, selection: "part", userID: 8, version: version(5))?.count, 0, "another user's rows")
        XCTAssertEqual(cache.rows(ids, selection: "stock", userID: 7, version: version(5))?.count, 0, "another selection")
    }

    func testAnOlderReaderIsNeitherServedNorStored() {
        let cache = RowCache(capacity: 1 << 20)
        cache.store([(1, [1])], selection: "part", userID: 7, version: version(5))
        XCTAssertNil(cache.rows(ids, selection: "part", userID: 7, version: version(4)))
        cache.store([(2, [2])], selection: "part", userID: 7, version: version(4))
        XCTAssertEqual(cache.rows(ids, selection: "part", userID: 7, version: version(5))?.keys.sorted(), [1])
    }

    func testANewerVersionOrDayEmptiesTheCache() {
        let cache = RowCache(capacity: 1 << 20)
        cache.store([(1, [1])], selection: "part", userID: 7, version: version(5))
        XCTAssertEqual(cache.rows(ids, selection: "part", userID: 7, version: version(6))?.count, 0)
        XCTAssertNil(cache.rows(ids, selection: "part", userID: 7, version: version(5)), "the cache moved on to 6")
        cache.store([(1, [1])], selection: "part", userID: 7, version: version(6))
        XCTAssertEqual(cache.rows(ids, selection: "part", userID: 7, version: version(6, "2026-11-25"))?.count, 0,
                       "rows such as `expired` change with the date")
    }

    func testPastItsCapacityTheCacheStartsAgain() {
        let cache = RowCache(capacity: 10)
        cache.store([(1, Array(repeating: 0, count: 6))], selection: "part", userID: 7, version: version(1))
        cache.store([(2, Array(repeating: 0, count: 6))], selection: "part", userID: 7, version: version(1))
        XCTAssertEqual(cache.rows(ids, selection: "part", userID: 7, version: version(1))?.keys.sorted(), [2])
        XCTAssertLessThanOrEqual(cache.byteCount, 10)
        cache.store([(3, Array(repeating: 0, count: 11))], selection: "part", userID: 7, version: version(1))
        XCTAssertLessThanOrEqual(cache.byteCount, 10, "a page larger than the whole cache is not kept")
    }
}

/// Cached lists and details against the database: a committed change shows in the next GET, whoever made it.
final class RowCacheAPITests: DemoDataTestCase {
    private var statements: [String] = []

    override func setUpWithError() throws {
        try super.setUpWithError()
        ResourceSQL.observer = { [unowned self] sql in statements.append(sql) }
    }

    private func name(in list: JSONValue, pk: Int) -> JSONValue? {
        array(list).first { $0["pk"] == .int(pk) }?["name"]
    }

    func testARepeatedListIsRenderedOnceAndAChangeShowsAtOnce() throws {
        let pk: Int = try scalar("SELECT min(id) FROM part_part WHERE category_id IS NOT NULL")
        let category: Int = try scalar("SELECT category_id FROM part_part WHERE id = $1", [pk])
        let list = "/api/part/?category=\(category)&cascade=false"
        let first = try get(list)
        XCTAssertNotNil(name(in: first, pk: pk))
        statements = []
        XCTAssertEqual(try get(list), first)
        XCTAssertFalse(statements.contains { $0.contains("JOIN part_part t ON t.id = page.id") },
                       "the second list came from the cache: \(statements)")

        let patched = try json(send(.PATCH, "/api/part/\(pk)/", body: #"{"name": "Renamed through the API"}"#), status: 200)
        XCTAssertEqual(patched["name"], .string("Renamed through the API"))
        XCTAssertEqual(name(in: try get(list), pk: pk), .string("Renamed through the API"))
        XCTAssertEqual(try get("/api/part/\(pk)/")["name"], .string("Renamed through the API"))

        // Another process (a second stockroom-web, the worker, psql) changes the row: the next read sees it.
        try pool.withConnection { try $0.execute("UPDATE part_part SET name = 'Renamed elsewhere' WHERE id = $1", [pk]) }
        XCTAssertEqual(try get("/api/part/\(pk)/")["name"], .string("Renamed elsewhere"))
        XCTAssertEqual(name(in: try get(list), pk: pk), .string("Renamed elsewhere"))
    }

    func testTheCountOfAnUnfilteredPageIsReadWithItsIDs() throws {
        let before: Int = try scalar("SELECT count(*)::int FROM part_part")
        statements = []
        XCTAssertEqual(try get("/api/part/?limit=5")["count"], .int(before))
        XCTAssertFalse(statements.contains { $0.hasPrefix("SELECT row_count") || $0.hasPrefix("SELECT count(*)") },
                       "one statement chose the page and read its count: \(statements)")
        XCTAssertEqual(send(.POST, "/api/part/", body: #"{"name": "Counted part", "description": "one more"}"#).status, 201)
        XCTAssertEqual(try get("/api/part/?limit=5")["count"], .int(before + 1))
        XCTAssertEqual(try get("/api/part/?limit=5&offset=100000")["count"], .int(before + 1), "an empty page counts too")
    }

    func testAFailedChangeLeavesTheCachedRowsAsTheyWere() throws {
        let first = try get("/api/part/?limit=3")
        guard case .int(let pk)? = array(first["results"]).first?["pk"] else { return XCTFail("no part: \(first)") }
        XCTAssertEqual(send(.PATCH, "/api/part/\(pk)/", body: #"{"minimum_stock": "many"}"#).status, 400)
        XCTAssertEqual(try get("/api/part/?limit=3"), first)
    }

    func testStarredIsEachUsersOwn() throws {
        let pk: Int = try scalar("SELECT min(id) FROM part_part")
        XCTAssertEqual(try get("/api/part/\(pk)/", as: "admin")["starred"], .bool(false))
        XCTAssertEqual(try get("/api/part/\(pk)/", as: "allaccess")["starred"], .bool(false))
        XCTAssertEqual(send(.PATCH, "/api/part/\(pk)/", as: "admin", body: #"{"starred": true}"#).status, 200)
        XCTAssertEqual(try get("/api/part/\(pk)/", as: "admin")["starred"], .bool(true))
        XCTAssertEqual(try get("/api/part/\(pk)/", as: "allaccess")["starred"], .bool(false))
        XCTAssertEqual(send(.PATCH, "/api/part/\(pk)/", as: "admin", body: #"{"starred": "false"}"#).status, 200)
        XCTAssertEqual(try get("/api/part/\(pk)/", as: "admin")["starred"], .bool(false))
    }

    func testATransferShowsInTheStockListWithItsPartDetails() throws {
        let item: Int = try scalar("""
            SELECT min(id) FROM stock_stockitem WHERE quantity > 0 AND serial IS NULL AND location_id IS NOT NULL
              AND sales_order_id IS NULL AND belongs_to_id IS NULL AND customer_id IS NULL AND consumed_by_id IS NULL
            """)
        let from: Int = try scalar("SELECT location_id FROM stock_stockitem WHERE id = $1", [item])
        let to: Int = try scalar("SELECT min(id) FROM stock_stocklocation WHERE id <> $1 AND NOT structural", [from])
        let target = "/api/stock/?part_detail=true&location=\(from)&cascade=false"
        XCTAssertTrue(array(try get(target)).contains { $0["pk"] == .int(item) })
        let quantity: String = try scalar("SELECT quantity::text FROM stock_stockitem WHERE id = $1", [item])
        let body = #"{"items": [{"pk": \#(item), "quantity": \#(quantity)}], "location": \#(to)}"#
        XCTAssertEqual(send(.POST, "/api/stock/transfer/", body: body).status, 201)
        XCTAssertFalse(array(try get(target)).contains { $0["pk"] == .int(item) })
        XCTAssertEqual(try get("/api/stock/\(item)/?part_detail=true")["location"], .int(to))
    }
}
