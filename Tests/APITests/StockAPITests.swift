import API
import HTTP
import Postgres
import XCTest

/// `stock/location/`, `stock/`, `stock/track/` and the stock actions over the demo dataset.
final class StockAPITests: DemoDataTestCase {
    private func count(_ sql: String, _ parameters: [PostgresValue?] = []) throws -> Int { try scalar(sql, parameters) }

    private func post(_ target: String, _ body: String, as user: String = "admin") -> HTTPResponse {
        send(.POST, target, as: user, body: body)
    }

    /// A fresh item (part 28 is a resistor reel in the demo dataset) so tests do not depend on one another.
    private func makeItem(part: Int = 28, quantity: String = "100", location: Int = 8) throws -> Int {
        try scalar("""
            INSERT INTO stock_stockitem (part_id, quantity, location_id, creation_date, updated)
            VALUES ($1, $2::numeric, $3, now(), now()) RETURNING id
            """, [part, quantity, location])
    }

    func testLocationsListTreeAndDetail() throws {
        let page = try get("/api/stock/location/?limit=5")
        guard case .int(let total)? = page["count"] else { return XCTFail("no count: \(page)") }
        XCTAssertEqual(total, try count("SELECT count(*) FROM stock_stocklocation"))
        let first = array(page["results"]).first
        for key in ["pk", "name", "description", "parent", "pathstring", "level", "items", "sublocations", "structural", "external", "icon"] {
            XCTAssertTrue(keys(first).contains(key), "missing \(key) in \(keys(first))")
        }
        let children = array(try get("/api/stock/location/?parent=7"))
        XCTAssertEqual(children.count, try count("SELECT count(*) FROM stock_stocklocation WHERE parent_id = 7"))
        let lab = try get("/api/stock/location/7/?path_detail=true")
        XCTAssertEqual(lab["items"], .int(try count("""
            SELECT count(*) FROM stock_stockitem s JOIN stock_stocklocation l ON l.id = s.location_id WHERE l.tree_path @> ARRAY[7]
            """)))
        XCTAssertEqual(array(lab["path"]).count, 1)
        XCTAssertEqual(array(try get("/api/stock/location/tree/")).count, try count("SELECT count(*) FROM stock_stocklocation"))
        let missing = try json(send(.GET, "/api/stock/location/?parent=9999"), status: 400)
        XCTAssertEqual(missing["parent"], .array([.string(ValidationErrors.Message.invalidChoice)]))
    }

    func testStockFilters() throws {
        let cascaded = try get("/api/stock/?location=7&limit=1")
        XCTAssertEqual(cascaded["count"], .int(try count("""
            SELECT count(*) FROM stock_stockitem s JOIN stock_stocklocation l ON l.id = s.location_id WHERE l.tree_path @> ARRAY[7]
            """)))
        let direct = try get("/api/stock/?location=7&cascade=false&limit=1")
        XCTAssertEqual(direct["count"], .int(try count("SELECT count(*) FROM stock_stockitem WHERE location_id = 7")))
        let variants = try get("/api/stock/?part=71&limit=1")
        XCTAssertEqual(variants["count"], .int(try count("""
            SELECT count(*) FROM stock_stockitem WHERE part_id IN (71, 72, 73, 74, 75, 76, 78, 79, 80)
            """)), "a template's stock includes its variants' (and theirs)")
        let attention = try get("/api/stock/?status=50&limit=1")
        XCTAssertEqual(attention["count"], .int(try count("SELECT count(*) FROM stock_stockitem WHERE status = 50")))
        let inStock = try get("/api/stock/?in_stock=true&limit=1")
        XCTAssertEqual(inStock["count"], .int(try count("""
            SELECT count(*) FROM stock_stockitem WHERE quantity > 0 AND sales_order_id IS NULL AND belongs_to_id IS NULL
            AND customer_id IS NULL AND consumed_by_id IS NULL AND NOT is_building AND status IN (10, 50, 55, 85)
            """)))
        let bad = try json(send(.GET, "/api/stock/?location=9999"), status: 400)
        XCTAssertEqual(bad["location"], .array([.string(ValidationErrors.Message.invalidChoice)]))
        let detail = try get("/api/stock/\(try makeItem())/?part_detail=true&location_detail=true")
        XCTAssertEqual(detail["part_detail"]?["pk"], .int(28))
        XCTAssertEqual(detail["location_detail"]?["pk"], .int(8))
        XCTAssertEqual(detail["quantity"], .int(100))
        let raw = text(send(.GET, "/api/stock/?location=8&limit=1&ordering=-pk"))
        XCTAssertTrue(raw.contains(#""quantity":100.0"#) || raw.contains(#""quantity": 100.0"#), "quantities are floats as InvenTree writes them: \(raw)")
        XCTAssertEqual(detail["status_text"], .string("OK"))
        XCTAssertTrue(keys(detail).contains("notes"))
    }

    func testCreateRecordsTrackingAndSerialNumbersMakeAList() throws {
        let created = try json(post("/api/stock/", #"{"part": 28, "quantity": 12, "location": 10}"#), status: 201)
        guard case .int(let id)? = created["pk"] else { return XCTFail("no pk: \(created)") }
        XCTAssertEqual(try count("SELECT tracking_type FROM stock_stockitemtracking WHERE item_id = $1", [id]), 1)

        let next: Int = try scalar("SELECT coalesce(max(serial_int), 0) + 1000 FROM stock_stockitem WHERE part_id IN (77, 81)")
        let list = try json(post("/api/stock/", """
            {"part": 77, "quantity": 3, "location": 10, "serial_numbers": "\(next)-\(next + 2)"}
            """), status: 201)
        XCTAssertEqual(array(list).map { $0["serial"] }, [.string("\(next)"), .string("\(next + 1)"), .string("\(next + 2)")])
        XCTAssertEqual(array(list).map { $0["quantity"] }, [.int(1), .int(1), .int(1)])
        let again = try json(post("/api/stock/", #"{"part": 77, "quantity": 1, "serial_numbers": "\#(next)"}"#), status: 400)
        XCTAssertEqual(again["serial_numbers"], .array([.string("The following serial numbers already exist or are invalid : \(next)")]))
        let untracked = try json(post("/api/stock/", #"{"part": 28, "quantity": 2, "serial_numbers": "1-2"}"#), status: 400)
        XCTAssertEqual(untracked["serial_numbers"], .array([.string("Serial numbers cannot be supplied for a non-trackable part")]))
    }

    func testTransferSplitsAndIsTracked() throws {
        let id = try makeItem(quantity: "50", location: 8)
        let response = try json(post("/api/stock/transfer/", """
            {"items": [{"pk": \(id), "quantity": 20}], "location": 10, "notes": "moved"}
            """), status: 201)
        XCTAssertEqual(response["items"], .array([.object([("pk", .int(id)), ("quantity", .string("20.00000"))])]))
        XCTAssertEqual(try count("SELECT quantity::int FROM stock_stockitem WHERE id = $1", [id]), 30)
        let child: Int = try scalar("SELECT id FROM stock_stockitem WHERE parent_id = $1", [id])
        XCTAssertEqual(try count("SELECT location_id FROM stock_stockitem WHERE id = $1", [child]), 10)
        let track = array(try get("/api/stock/track/?item=\(id)"))
        XCTAssertEqual(track.first?["tracking_type"], .int(42))
        XCTAssertEqual(track.first?["label"], .string("Split child item"))
        XCTAssertEqual(track.first?["notes"], .string("moved"))
        XCTAssertEqual(track.first?["deltas"]?["stockitem"], .int(child))

        let tooMuch = try json(post("/api/stock/remove/", #"{"items": [{"pk": \#(id), "quantity": 31}]}"#), status: 400)
        XCTAssertEqual(tooMuch["items"], .array([.object([("quantity", .array([.string("Quantity must not exceed available stock quantity (30)")]))])]))
        let noLocation = try json(post("/api/stock/transfer/", #"{"items": [{"pk": \#(id), "quantity": 1}]}"#), status: 400)
        XCTAssertEqual(noLocation["location"], .array([.string("This field is required.")]))
        let empty = try json(post("/api/stock/count/", #"{"items": []}"#), status: 400)
        XCTAssertEqual(empty["non_field_errors"], .array([.string("A list of stock items must be provided")]))
        let missing = try json(post("/api/stock/add/", #"{"items": [{"pk": \#(id), "quantity": 1}, {"pk": 999999, "quantity": 1}]}"#), status: 400)
        XCTAssertEqual(missing["items"], .array([.object([]), .object([("pk", .array([.string(#"Invalid pk "999999" - object does not exist."#)]))])]))
        XCTAssertEqual(try count("SELECT quantity::int FROM stock_stockitem WHERE id = $1", [id]), 30, "nothing was written")
    }

    func testCountAddRemoveAndChangeStatus() throws {
        let id = try makeItem(quantity: "10")
        XCTAssertEqual(post("/api/stock/count/", #"{"items": [{"pk": \#(id), "quantity": 7}]}"#).status, 201)
        XCTAssertEqual(post("/api/stock/add/", #"{"items": [{"pk": \#(id), "quantity": "2.5"}]}"#).status, 201)
        XCTAssertEqual(post("/api/stock/remove/", #"{"items": [{"pk": \#(id), "quantity": 1.5}]}"#).status, 201)
        XCTAssertEqual(post("/api/stock/change_status/", #"{"items": [\#(id)], "status": 55, "note": "dented"}"#).status, 201)
        XCTAssertEqual(array(try get("/api/stock/track/?item=\(id)&ordering=date")).map { $0["tracking_type"] },
                       [.int(10), .int(11), .int(12), .int(5)])
        XCTAssertEqual(try get("/api/stock/\(id)/")["quantity"], .int(8))
        let badStatus = try json(post("/api/stock/change_status/", #"{"items": [\#(id)], "status": 12}"#), status: 400)
        XCTAssertEqual(badStatus["status"], .array([.string(#""12" is not a valid choice."#)]))
    }

    func testAssignReturnMergeInstallUninstallAndSerialize() throws {
        let table = try makeItem(part: 94, quantity: "1")
        XCTAssertEqual(post("/api/stock/assign/", #"{"items": [{"item": \#(table)}], "customer": 30}"#).status, 201)
        XCTAssertEqual(try get("/api/stock/\(table)/")["customer"], .int(30))
        let notCustomer = try json(post("/api/stock/assign/", #"{"items": [{"item": \#(table)}], "customer": 1}"#), status: 400)
        XCTAssertEqual(notCustomer["customer"], .array([.string("Selected company is not a customer")]))
        XCTAssertEqual(post("/api/stock/return/", #"{"items": [{"item": \#(table)}], "location": 10}"#).status, 201)
        XCTAssertEqual(try get("/api/stock/\(table)/")["location"], .int(10))

        let first = try makeItem(quantity: "3"), second = try makeItem(quantity: "4")
        XCTAssertEqual(post("/api/stock/merge/", #"{"items": [{"item": \#(first)}, {"item": \#(second)}], "location": 11}"#).status, 201)
        XCTAssertEqual(try get("/api/stock/\(first)/")["quantity"], .int(7))
        XCTAssertEqual(send(.GET, "/api/stock/\(second)/").status, 404)

        let pair = try pool.withConnection { try $0.query("""
            SELECT b.part_id, b.sub_part_id FROM part_bomitem b JOIN part_part p ON p.id = b.sub_part_id WHERE NOT p.trackable ORDER BY b.id LIMIT 1
            """).singleRow() }
        let assembly = try makeItem(part: try pair.decode(0, as: Int.self), quantity: "1")
        let component = try makeItem(part: try pair.decode(1, as: Int.self), quantity: "5")
        XCTAssertEqual(post("/api/stock/\(assembly)/install/", #"{"stock_item": \#(component), "quantity": 5, "note": "fit"}"#).status, 201)
        XCTAssertEqual(try get("/api/stock/\(component)/")["belongs_to"], .int(assembly))
        XCTAssertEqual(try get("/api/stock/?belongs_to=\(assembly)&limit=1")["count"], .int(1))
        XCTAssertEqual(post("/api/stock/\(component)/uninstall/", #"{"location": 10}"#).status, 201)
        XCTAssertEqual(try get("/api/stock/\(component)/")["belongs_to"], .null)
        XCTAssertEqual(send(.POST, "/api/stock/999999/uninstall/", body: #"{"location": 10}"#).status, 404)

        let batch = try makeItem(part: 77, quantity: "5")
        let next: Int = try scalar("SELECT coalesce(max(serial_int), 0) + 5000 FROM stock_stockitem WHERE part_id IN (77, 81)")
        XCTAssertEqual(post("/api/stock/\(batch)/serialize/", #"{"quantity": 2, "serial_numbers": "\#(next)+1", "destination": 10}"#).status, 201)
        XCTAssertEqual(try get("/api/stock/?part=77&serial=\(next + 1)&limit=1")["count"], .int(1))
        XCTAssertEqual(try get("/api/stock/\(batch)/")["quantity"], .int(3))
    }

    func testRolesGovernStockActions() throws {
        let id = try makeItem(quantity: "10")
        let body = #"{"items": [{"pk": \#(id), "quantity": 1}], "location": 10}"#
        XCTAssertEqual(post("/api/stock/transfer/", body, as: "reader").status, 403)
        XCTAssertEqual(post("/api/stock/transfer/", body, as: "engineer").status, 403)
        XCTAssertEqual(post("/api/stock/transfer/", body, as: "allaccess").status, 201)
        XCTAssertEqual(send(.GET, "/api/stock/?limit=1", as: "reader").status, 200)
        XCTAssertEqual(send(.GET, "/api/stock/track/?limit=1", as: "engineer").status, 200)
        XCTAssertEqual(send(.POST, "/api/stock/", as: "engineer", body: #"{"part": 28, "quantity": 1}"#).status, 403)
        XCTAssertEqual(send(.POST, "/api/stock/location/", as: "allaccess", body: #"{"name": "New Shelf", "parent": 8}"#).status, 201)
    }

    func testMetadataGetPutReplacesPatchMerges() throws {
        let id = try makeItem()
        XCTAssertEqual(try get("/api/metadata/stockitem/\(id)/"), .object([("metadata", .object([]))]))
        let put = try json(send(.PUT, "/api/metadata/stockitem/\(id)/", body: #"{"metadata": {"a": 1, "b": "x"}}"#), status: 200)
        XCTAssertEqual(put["metadata"], .object([("a", .int(1)), ("b", .string("x"))]))
        let patch = try json(send(.PATCH, "/api/metadata/stockitem/\(id)/", body: #"{"metadata": {"b": "y", "c": [1]}}"#), status: 200)
        XCTAssertEqual(patch["metadata"], .object([("a", .int(1)), ("b", .string("y")), ("c", .array([.int(1)]))]))
        let replaced = try json(send(.PUT, "/api/metadata/stockitem/\(id)/", body: #"{"metadata": {"z": true}}"#), status: 200)
        XCTAssertEqual(replaced["metadata"], .object([("z", .bool(true))]))
        let notObject = try json(send(.PUT, "/api/metadata/stockitem/\(id)/", body: #"{"metadata": [1]}"#), status: 400)
        XCTAssertEqual(notObject["metadata"], .array([.string("Metadata must be a python dict object")]))
        XCTAssertEqual(send(.GET, "/api/metadata/stockitem/999999/").status, 404)
        XCTAssertEqual(send(.GET, "/api/metadata/nosuchmodel/1/").status, 404)
        XCTAssertEqual(send(.GET, "/api/metadata/part/1/", as: "reader").status, 200)
        XCTAssertEqual(send(.PATCH, "/api/metadata/part/1/", as: "reader", body: #"{"metadata": {"x": 1}}"#).status, 403)
        XCTAssertEqual(send(.PATCH, "/api/metadata/part/1/", as: "engineer", body: #"{"metadata": {"x": 1}}"#).status, 200)
    }

    func testTestResultsRecordTheUserAndFilter() throws {
        let template: Int = try scalar("SELECT id FROM part_parttesttemplate ORDER BY id LIMIT 1")
        let part: Int = try scalar("SELECT part_id FROM part_parttesttemplate WHERE id = $1", [template])
        let item = try makeItem(part: part, quantity: "1")
        let created = try json(post("/api/stock/test/", #"{"stock_item": \#(item), "template": \#(template), "result": true, "value": "3.3V"}"#),
                               status: 201)
        XCTAssertEqual(created["result"], .bool(true))
        XCTAssertEqual(created["user"], .int(1))
        XCTAssertEqual(array(try get("/api/stock/test/?stock_item=\(item)")).count, 1)
        XCTAssertEqual(array(try get("/api/stock/test/?stock_item=\(item)&result=false")).count, 0)
        let missing = try json(post("/api/stock/test/", #"{"stock_item": \#(item)}"#), status: 400)
        XCTAssertEqual(missing["non_field_errors"], .array([.string("Template ID or test name must be provided")]))
        XCTAssertEqual(post("/api/stock/test/", #"{"stock_item": \#(item), "template": \#(template)}"#, as: "engineer").status, 403)
    }

    func testStockListCostsTheSameNumberOfStatementsWhateverThePageSize() throws {
        let small = countingStatements { XCTAssertEqual(send(.GET, "/api/stock/?limit=2&part_detail=true&location_detail=true").status, 200) }
        let large = countingStatements { XCTAssertEqual(send(.GET, "/api/stock/?limit=200&part_detail=true&location_detail=true").status, 200) }
        XCTAssertEqual(small.count, large.count, "\(large)")
        XCTAssertLessThanOrEqual(large.count, 6)
        let page = try get("/api/stock/?limit=200&part_detail=true")
        XCTAssertEqual(array(page["results"]).count, 200)
        XCTAssertNotNil(array(page["results"]).first?["part_detail"]?["name"])
    }
}
