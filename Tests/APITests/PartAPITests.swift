import API
import Foundation
import HTTP
import Postgres
import XCTest

/// `part/` over the demo dataset: filters, search, ordering, pagination, writes, OPTIONS and permissions.
final class PartAPITests: DemoDataTestCase {
    func pks(_ target: String, as user: String = "admin", file: StaticString = #filePath, line: UInt = #line) throws -> [Int] {
        array(try get(target, as: user, file: file, line: line), file: file, line: line).compactMap {
            if case .int(let pk)? = $0["pk"] { return pk }
            return nil
        }
    }

    func ids(_ sql: String) throws -> [Int] {
        try pool.withConnection { connection in try connection.query(sql).map { try $0.decode(0, as: Int.self) } }
    }

    func testPaginationLinksAndBareList() throws {
        let total = try scalar("SELECT count(*)::int FROM part_part", as: Int.self)
        XCTAssertEqual(try pks("/api/part/").count, total)
        let page = try get("/api/part/?limit=10&offset=10&active=true")
        let active = try scalar("SELECT count(*)::int FROM part_part WHERE active", as: Int.self)
        XCTAssertEqual(page["count"], .int(active))
        XCTAssertEqual(page["next"], .string("http://testserver/api/part/?active=true&limit=10&offset=20"))
        XCTAssertEqual(page["previous"], .string("http://testserver/api/part/?active=true&limit=10"))
        XCTAssertEqual(array(page["results"]).count, 10)
        // Default ordering: by name.
        let names = array(try get("/api/part/?limit=30")["results"]).compactMap { $0["name"]?.stringValue }
        XCTAssertEqual(names, try pool.withConnection { try $0.query("SELECT name FROM part_part ORDER BY name, id LIMIT 30").map { try $0.decode(0, as: String.self) } })
    }

    /// `variant_stock` sums the in-stock quantity of every variant below a template, recursively; `total_in_stock`
    /// adds the template's own. Both computed from the stock items, not from the kept totals the API reads.
    func testVariantStockOfTemplatesInListsAndDetails() throws {
        let expected = try pool.withConnection { connection in
            try connection.query("""
                WITH RECURSIVE tree(root, id) AS (SELECT p.id, p.id FROM part_part p WHERE p.is_template
                    UNION ALL SELECT tree.root, p.id FROM part_part p JOIN tree ON p.variant_of_id = tree.id),
                stock AS (SELECT s.part_id, sum(s.quantity) AS quantity FROM stock_stockitem s
                    WHERE s.quantity > 0 AND s.sales_order_id IS NULL AND s.belongs_to_id IS NULL AND s.customer_id IS NULL
                      AND s.consumed_by_id IS NULL AND NOT s.is_building AND s.status IN (10, 50, 55) GROUP BY s.part_id)
                SELECT tree.root, coalesce(sum(stock.quantity) FILTER (WHERE tree.id <> tree.root), 0)::float8,
                       coalesce(sum(stock.quantity), 0)::float8
                FROM tree LEFT JOIN stock ON stock.part_id = tree.id GROUP BY tree.root ORDER BY tree.root
                """).map { (try $0.decode(0, as: Int.self), try $0.decode(1, as: Double.self), try $0.decode(2, as: Double.self)) }
        }
        XCTAssertTrue(expected.contains { $0.1 > 0 }, "the demo dataset has templates whose variants hold stock")
        let listed = array(try get("/api/part/?is_template=true"))
        for (pk, variants, total) in expected {
            let detail = try get("/api/part/\(pk)/")
            let row = listed.first { $0["pk"] == .int(pk) }
            for (name, part) in [("detail", Optional(detail)), ("list", row)] {
                XCTAssertEqual(part?["variant_stock"].flatMap(Self.number), variants, "\(name) of template \(pk)")
                XCTAssertEqual(part?["total_in_stock"].flatMap(Self.number), total, "\(name) of template \(pk)")
            }
        }
    }

    func testCategoryFilterCascadesUnlessTold() throws {
        let electronics = try scalar("SELECT id FROM part_partcategory WHERE parent_id IS NULL AND EXISTS (SELECT 1 FROM part_partcategory c WHERE c.parent_id = part_partcategory.id AND EXISTS (SELECT 1 FROM part_part p WHERE p.category_id = c.id)) ORDER BY id LIMIT 1", as: Int.self)
        let cascaded = try pks("/api/part/?category=\(electronics)")
        XCTAssertEqual(Set(cascaded), Set(try ids("SELECT p.id FROM part_part p JOIN part_partcategory c ON c.id = p.category_id WHERE c.tree_path @> ARRAY[\(electronics)]")))
        XCTAssertGreaterThan(cascaded.count, 0)
        XCTAssertEqual(Set(try pks("/api/part/?category=\(electronics)&cascade=false")),
                       Set(try ids("SELECT id FROM part_part WHERE category_id = \(electronics)")))
        XCTAssertEqual(Set(try pks("/api/part/?category=null")), Set(try ids("SELECT id FROM part_part WHERE category_id IS NULL")))
        let missing = send(.GET, "/api/part/?category=99999")
        XCTAssertEqual(try json(missing, status: 400),
                       .object([("category", .array([.string("Select a valid choice. That choice is not one of the available choices.")]))]))
        XCTAssertEqual(send(.GET, "/api/part/?category=abc").status, 400)
    }

    func testBooleanAndStockFilters() throws {
        let assemblies = Set(try ids("SELECT id FROM part_part WHERE assembly"))
        for spelling in ["true", "True", "1"] { XCTAssertEqual(Set(try pks("/api/part/?assembly=\(spelling)")), assemblies) }
        let notAssemblies = Set(try ids("SELECT id FROM part_part WHERE NOT assembly"))
        for spelling in ["false", "False", "0"] { XCTAssertEqual(Set(try pks("/api/part/?assembly=\(spelling)")), notAssemblies) }
        // An unreadable boolean is ignored, as django-filter's BooleanWidget does, and so are unknown parameters.
        XCTAssertEqual(try pks("/api/part/?assembly=maybe&colour=blue").count, assemblies.count + notAssemblies.count)

        let withStock = try pks("/api/part/?has_stock=true")
        let rows = array(try get("/api/part/?has_stock=true"))
        XCTAssertTrue(rows.allSatisfy { ($0["total_in_stock"].flatMap(Self.number) ?? 0) > 0 })
        XCTAssertEqual(withStock.count + (try pks("/api/part/?has_stock=false")).count, assemblies.count + notAssemblies.count)
        let low = array(try get("/api/part/?low_stock=true"))
        XCTAssertTrue(low.allSatisfy { (Self.number($0["total_in_stock"]!) ?? 0) < (Self.number($0["minimum_stock"]!) ?? 0) })
        let templates = try pks("/api/part/?is_template=true")
        XCTAssertFalse(templates.isEmpty)
        for template in templates {
            // `variant_of`: the direct variants; `ancestor`: every level below
            XCTAssertEqual(Set(try pks("/api/part/?variant_of=\(template)")),
                           Set(try ids("SELECT id FROM part_part WHERE variant_of_id = \(template)")))
            XCTAssertEqual(Set(try pks("/api/part/?ancestor=\(template)")), Set(try ids("WITH RECURSIVE v(id) AS (SELECT id FROM part_part WHERE variant_of_id = \(template) UNION ALL SELECT p.id FROM part_part p JOIN v ON p.variant_of_id = v.id) SELECT id FROM v")))
        }
        let notTemplate = try scalar("SELECT id FROM part_part WHERE NOT is_template ORDER BY id LIMIT 1", as: Int.self)
        XCTAssertEqual(try pks("/api/part/?variant_of=\(notTemplate)"), [])
        XCTAssertEqual(send(.GET, "/api/part/?variant_of=999999").status, 400)
        if let ipn = try pool.withConnection({ try $0.query("SELECT ipn FROM part_part WHERE coalesce(ipn, '') <> '' LIMIT 1").first?.decode(0, as: String.self) }) {
            XCTAssertEqual(Set(try pks("/api/part/?IPN=\(ipn.lowercased())")), Set(try ids("SELECT id FROM part_part WHERE lower(ipn) = lower('\(ipn)')")))
        }
    }

    func testSearchCoversNamesKeywordsCategoryMPNAndSKU() throws {
        let sku = try scalar("SELECT sku FROM company_supplierpart ORDER BY id LIMIT 1", as: String.self)
        let skuPart = try scalar("SELECT part_id FROM company_supplierpart ORDER BY id LIMIT 1", as: Int.self)
        XCTAssertTrue(try pks("/api/part/?search=\(FormEncodingForTests.encode(sku))").contains(skuPart))
        let mpn = try scalar("SELECT mpn FROM company_manufacturerpart WHERE mpn <> '' ORDER BY id LIMIT 1", as: String.self)
        let mpnPart = try scalar("SELECT part_id FROM company_manufacturerpart WHERE mpn <> '' ORDER BY id LIMIT 1", as: Int.self)
        XCTAssertTrue(try pks("/api/part/?search=\(FormEncodingForTests.encode(mpn))").contains(mpnPart))
        let resistors = try pks("/api/part/?search=resistor")
        XCTAssertEqual(Set(resistors), Set(try ids("""
            SELECT p.id FROM part_part p LEFT JOIN part_partcategory c ON c.id = p.category_id
            WHERE p.name ILIKE '%resistor%' OR p.description ILIKE '%resistor%' OR p.keywords ILIKE '%resistor%'
               OR p.ipn ILIKE '%resistor%' OR p.revision ILIKE '%resistor%' OR c.name ILIKE '%resistor%'
               OR EXISTS (SELECT 1 FROM company_manufacturerpart m WHERE m.part_id = p.id AND m.mpn ILIKE '%resistor%')
               OR EXISTS (SELECT 1 FROM company_supplierpart s WHERE s.part_id = p.id AND s.sku ILIKE '%resistor%')
            """)))
        // Every word must match.
        XCTAssertTrue(Set(try pks("/api/part/?search=resistor%200402")).isSubset(of: Set(resistors)))
    }

    func testOrderingByFieldsAndAnnotations() throws {
        let byStock = array(try get("/api/part/?ordering=-in_stock,name&limit=20")["results"])
        let stocks = byStock.compactMap { Self.number($0["in_stock"]!) }
        XCTAssertEqual(stocks, stocks.sorted(by: >))
        let byIPN = array(try get("/api/part/?ordering=IPN&has_ipn=true")).compactMap { $0["IPN"]?.stringValue }
        XCTAssertEqual(byIPN, try pool.withConnection { try $0.query("SELECT ipn FROM part_part WHERE coalesce(ipn, '') <> '' ORDER BY ipn, id").map { try $0.decode(0, as: String.self) } })
        // Unknown ordering fields are ignored.
        XCTAssertEqual(try pks("/api/part/?ordering=colour"), try pks("/api/part/"))
    }

    func testListsAnswerInABoundedNumberOfStatements() throws {
        for target in ["/api/part/?category_detail=true&parameters=true&path_detail=true", "/api/bom/?part_detail=true",
                       "/api/part/category/?path_detail=true", "/api/parameter/", "/api/part/related/",
                       "/api/part/test-template/", "/api/part/internal-price/"] {
            var counts: [Int] = []
            for limit in [1, 50] {
                let statements = try countingStatements {
                    _ = try get(target + (target.contains("?") ? "&" : "?") + "limit=\(limit)")
                }
                counts.append(statements.count)
            }
            XCTAssertEqual(counts[0], counts[1], "\(target): statements for 1 and 50 rows")
            XCTAssertLessThanOrEqual(counts[1], 8, target)
        }
        // A bare list of every part: still the same few statements.
        let all = try countingStatements { _ = try get("/api/part/?category_detail=true") }
        XCTAssertEqual(all.count, 3, all.joined(separator: "\n"))
    }

    func testCreateUpdateAndDeleteWithValidation() throws {
        let category = try scalar("SELECT id FROM part_partcategory WHERE NOT structural ORDER BY id LIMIT 1", as: Int.self)
        let created = try json(send(.POST, "/api/part/", as: "engineer",
                                    body: #"{"name": "Test widget", "description": "for the API tests", "category": \#(category), "IPN": "TW-1", "minimum_stock": "2.5", "copy_category_parameters": false}"#),
                               status: 201)
        guard case .int(let pk)? = created["pk"] else { return XCTFail("no pk in \(created)") }
        XCTAssertEqual(created["name"], .string("Test widget"))
        XCTAssertEqual(created["full_name"], .string("TW-1 | Test widget"))
        XCTAssertEqual(created["creation_user"], .int(3))
        XCTAssertEqual(created["active"], .bool(true))
        XCTAssertEqual(created["notes"], .null)
        XCTAssertTrue(text(send(.GET, "/api/part/\(pk)/")).contains("\"minimum_stock\":2.5"))

        let invalid = try json(send(.POST, "/api/part/", as: "engineer",
                                    body: #"{"description": "x", "category": 99999, "active": "perhaps", "minimum_stock": "lots"}"#),
                               status: 400)
        XCTAssertEqual(invalid["name"], .array([.string("This field is required.")]))
        XCTAssertEqual(invalid["category"], .array([.string("Invalid pk \"99999\" - object does not exist.")]))
        XCTAssertEqual(invalid["active"], .array([.string("Must be a valid boolean.")]))
        XCTAssertEqual(invalid["minimum_stock"], .array([.string("A valid number is required.")]))
        let tooLong = try json(send(.POST, "/api/part/", as: "engineer", body: "{\"name\": \"\(String(repeating: "x", count: 101))\"}"), status: 400)
        XCTAssertEqual(tooLong["name"], .array([.string("Ensure this field has no more than 100 characters.")]))
        let structural = try scalar("SELECT id FROM part_partcategory WHERE structural ORDER BY id LIMIT 1", as: Int.self)
        let refused = try json(send(.POST, "/api/part/", as: "engineer", body: #"{"name": "Nowhere", "category": \#(structural)}"#), status: 400)
        XCTAssertEqual(refused["category"], .array([.string("Parts cannot be assigned to structural part categories!")]))
        let duplicate = try json(send(.POST, "/api/part/", as: "engineer", body: #"{"name": "Test widget", "IPN": "TW-1", "revision": ""}"#), status: 400)
        XCTAssertEqual(duplicate["non_field_errors"], .array([.string("Part with this Name, IPN and Revision already exists.")]))

        let patched = try json(send(.PATCH, "/api/part/\(pk)/", as: "engineer", body: ##"{"description": "changed", "notes": "# Notes"}"##), status: 200)
        XCTAssertEqual(patched["description"], .string("changed"))
        XCTAssertEqual(patched["name"], .string("Test widget"))
        XCTAssertEqual(patched["notes"], .string("# Notes"))
        XCTAssertNil(array(try get("/api/part/?IPN=TW-1")).first?["notes"], "notes only in detail views")
        let put = try json(send(.PUT, "/api/part/\(pk)/", as: "engineer", body: #"{"description": "no name"}"#), status: 400)
        XCTAssertEqual(put["name"], .array([.string("This field is required.")]))
        XCTAssertEqual(try json(send(.PUT, "/api/part/\(pk)/", as: "engineer", body: #"{"name": "Renamed widget"}"#), status: 200)["name"],
                       .string("Renamed widget"))

        XCTAssertEqual(send(.DELETE, "/api/part/\(pk)/", as: "reader").status, 403)
        XCTAssertEqual(try json(send(.DELETE, "/api/part/\(pk)/", as: "engineer"), status: 400)["non_field_errors"],
                       .array([.string("Cannot delete this part as it is still active")]))
        _ = try json(send(.PATCH, "/api/part/\(pk)/", as: "engineer", body: #"{"active": false}"#), status: 200)
        XCTAssertEqual(send(.DELETE, "/api/part/\(pk)/", as: "engineer").status, 204)
        let gone = send(.GET, "/api/part/\(pk)/")
        XCTAssertEqual(try json(gone, status: 404)["detail"], .string("No Part matches the given query."))
        XCTAssertEqual(send(.PATCH, "/api/part/\(pk)/", as: "engineer", body: "{}").status, 404)
    }

    func testKeysOutsideTheKeyColumnsRangeAreNotFound() throws {
        for path in ["/api/part/9999999999/", "/api/stock/9999999999/", "/api/part/category/-9999999999/",
                     "/api/metadata/part/9999999999/", "/api/user/9999999999/"] {
            XCTAssertEqual(send(.GET, path).status, 404, path)
        }
        XCTAssertEqual(try json(send(.GET, "/api/part/2147483648/"), status: 404)["detail"], .string("No Part matches the given query."))
    }

    func testBulkDelete() throws {
        var created: [Int] = []
        for index in 0..<3 {
            let body = try json(send(.POST, "/api/part/", as: "allaccess",
                                     body: #"{"name": "Bulk \#(index)", "keywords": "bulk-delete-test", "active": false}"#), status: 201)
            if case .int(let pk)? = body["pk"] { created.append(pk) }
        }
        XCTAssertEqual(try json(send(.DELETE, "/api/part/", as: "allaccess", body: "{}"), status: 400)["non_field_errors"],
                       .array([.string("List of items or filters must be provided for bulk operation")]))
        XCTAssertEqual(try json(send(.DELETE, "/api/part/", as: "allaccess", body: #"{"items": 5}"#), status: 400)["non_field_errors"],
                       .array([.string("Items must be provided as a list")]))
        XCTAssertEqual(send(.DELETE, "/api/part/", as: "reader", body: #"{"items": [\#(created[0])]}"#).status, 403)
        // each part's own delete rules hold in a bulk delete, which then deletes nothing
        let active = try json(send(.POST, "/api/part/", as: "allaccess", body: #"{"name": "Bulk active", "keywords": "bulk-active"}"#), status: 201)
        guard case .int(let activePK)? = active["pk"] else { return XCTFail("no pk") }
        XCTAssertEqual(try json(send(.DELETE, "/api/part/", as: "allaccess", body: #"{"items": [\#(created[0]), \#(activePK)]}"#),
                                status: 400)["non_field_errors"], .array([.string("Cannot delete this part as it is still active")]))
        XCTAssertEqual(try scalar("SELECT count(*)::int FROM part_part WHERE id = $1", [created[0]], as: Int.self), 1)
        XCTAssertEqual(send(.DELETE, "/api/part/", as: "allaccess", body: #"{"items": [\#(created[0]), \#(created[1])]}"#).status, 204)
        XCTAssertEqual(send(.DELETE, "/api/part/", as: "allaccess", body: #"{"filters": {"keywords": "bulk-delete-test"}}"#).status, 204)
        XCTAssertEqual(try scalar("SELECT count(*)::int FROM part_part WHERE keywords = 'bulk-delete-test'", as: Int.self), 0)
        XCTAssertEqual(try json(send(.DELETE, "/api/part/", as: "allaccess", body: #"{"filters": {"colour": "red"}}"#), status: 400)["non_field_errors"],
                       .array([.string("Invalid filters provided")]))
    }

    func testOptionsDescribeFieldsAndTheActionsTheRoleAllows() throws {
        let engineer = try json(send(.OPTIONS, "/api/part/", as: "engineer"), status: 200)
        XCTAssertEqual(engineer["name"], .string("Part List"))
        XCTAssertEqual(engineer["renders"], .array([.string("application/json"), .string("text/html")]))
        XCTAssertEqual(Set(keys(engineer["actions"])), ["POST", "DELETE", "GET"])
        let name = engineer["actions"]?["POST"]?["name"]
        XCTAssertEqual(name?["type"], .string("string"))
        XCTAssertEqual(name?["required"], .bool(true))
        XCTAssertEqual(name?["read_only"], .bool(false))
        XCTAssertEqual(name?["label"], .string("Name"))
        XCTAssertEqual(name?["max_length"], .int(100))
        let category = engineer["actions"]?["POST"]?["category"]
        XCTAssertEqual(category?["type"], .string("related field"))
        XCTAssertEqual(category?["model"], .string("partcategory"))
        XCTAssertEqual(category?["api_url"], .string("/api/part/category/"))
        XCTAssertEqual(engineer["actions"]?["POST"]?["active"]?["default"], .bool(true))
        XCTAssertEqual(engineer["actions"]?["POST"]?["in_stock"]?["read_only"], .bool(true))
        XCTAssertEqual(engineer["actions"]?["POST"]?["in_stock"]?["type"], .string("float"))
        let reader = try json(send(.OPTIONS, "/api/part/", as: "reader"), status: 200)
        XCTAssertEqual(Set(keys(reader["actions"])), ["GET"])
        let detail = try json(send(.OPTIONS, "/api/part/1/", as: "engineer"), status: 200)
        XCTAssertEqual(detail["name"], .string("Part Detail"))
        XCTAssertNotNil(detail["actions"]?["PUT"]?["notes"])
    }

    func testRolesGovernEveryAction() throws {
        // reader: view only.
        XCTAssertEqual(send(.GET, "/api/part/?limit=1", as: "reader").status, 200)
        XCTAssertEqual(try json(send(.POST, "/api/part/", as: "reader", body: #"{"name": "Forbidden"}"#), status: 403)["detail"],
                       .string("You do not have permission to perform this action."))
        XCTAssertEqual(send(.PATCH, "/api/part/1/", as: "reader", body: #"{"description": "x"}"#).status, 403)
        XCTAssertEqual(send(.POST, "/api/part/category/", as: "reader", body: #"{"name": "Forbidden"}"#).status, 403)
        XCTAssertEqual(send(.POST, "/api/bom/", as: "reader", body: "{}").status, 403)
        // engineer: parts, categories and BOMs.
        let original = try scalar("SELECT description FROM part_part WHERE id = 1", as: String.self)
        XCTAssertEqual(send(.PATCH, "/api/part/1/", as: "engineer", body: #"{"description": "edited by engineer"}"#).status, 200)
        XCTAssertEqual(send(.PATCH, "/api/part/1/", as: "engineer", body: "{\"description\": \"\(original)\"}").status, 200)
        XCTAssertEqual(send(.PATCH, "/api/bom/\(try scalar("SELECT min(id) FROM part_bomitem", as: Int.self))/", as: "engineer",
                            body: #"{"note": "checked"}"#).status, 200)
        // Nobody without credentials.
        let anonymous = router.respond(to: HTTPRequest(method: .GET, path: "/api/part/", headers: HTTPHeaders([("Host", "testserver")]),
                                                       remoteAddress: "192.0.2.7:41000", requestID: "test"))
        XCTAssertEqual(anonymous.status, 401)
        XCTAssertEqual(send(.GET, "/api/part/abc/").status, 404)
    }

    static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .int(let number): return Double(number)
        case .double(let number): return number
        default: return nil
        }
    }
}

/// Query-string encoding for test requests.
enum FormEncodingForTests {
    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}

/// The annotations of every part agree with the same figures computed independently in SQL.
final class PartAnnotationTests: DemoDataTestCase {
    func testAnnotationsAgreeWithTheDatabase() throws {
        let expected = try pool.withConnection { connection in
            try connection.query("""
                SELECT p.id,
                  (SELECT count(*) FROM company_supplierpart sp WHERE sp.part_id = p.id)::int AS suppliers,
                  (SELECT count(*) FROM stock_stockitem s WHERE s.part_id = p.id)::int AS items,
                  (SELECT coalesce(sum(quantity), 0) FROM stock_stockitem s WHERE s.part_id = p.id AND s.quantity > 0
                     AND s.status IN (10, 50, 55) AND s.sales_order_id IS NULL AND s.belongs_to_id IS NULL
                     AND s.customer_id IS NULL AND s.consumed_by_id IS NULL AND NOT s.is_building)::float8 AS in_stock,
                  (SELECT coalesce(sum((l.quantity - l.received) * sp.pack_quantity_native), 0) FROM order_purchaseorderlineitem l
                     JOIN order_purchaseorder o ON o.id = l.order_id JOIN company_supplierpart sp ON sp.id = l.part_id
                     WHERE sp.part_id = p.id AND o.status IN (10, 20, 25) AND l.quantity > l.received)::float8 AS ordering,
                  (SELECT max(date)::text FROM part_partstocktake k WHERE k.part_id = p.id) AS last_stocktake
                FROM part_part p
                """).map { row in
                (try row.decode("id", as: Int.self), try row.decode("suppliers", as: Int.self), try row.decode("items", as: Int.self),
                 try row.decode("in_stock", as: Double.self), try row.decode("ordering", as: Double.self),
                 try row.decode("last_stocktake", as: String?.self))
            }
        }
        var byID: [Int: JSONValue] = [:]
        for page in 0..<9 {
            for part in array(try get("/api/part/?limit=50&offset=\(page * 50)")["results"]) {
                if case .int(let pk)? = part["pk"] { byID[pk] = part }
            }
        }
        XCTAssertEqual(byID.count, expected.count)
        for (id, suppliers, items, inStock, ordering, lastStocktake) in expected {
            guard let part = byID[id] else { XCTFail("part \(id) missing"); continue }
            XCTAssertEqual(part["suppliers"], .int(suppliers), "part \(id)")
            XCTAssertEqual(part["stock_item_count"], .int(items), "part \(id)")
            XCTAssertEqual(part["in_stock"].flatMap(PartAPITests.number), inStock, "part \(id)")
            XCTAssertEqual(part["ordering"].flatMap(PartAPITests.number), ordering, "part \(id)")
            XCTAssertEqual(part["last_stocktake"], lastStocktake.map(JSONValue.string) ?? .null, "part \(id)")
        }
    }
}
