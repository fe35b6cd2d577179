import API
import Foundation
import HTTP
import XCTest

/// What the official Python client's flows found missing or wrong, over InvenTree's test fixtures: category
/// parameter templates of ancestors, part deletion rules, BOM `uses`, test results by test name with files, and
/// parameter choices.
extension FixtureAPITests {
    func testCategoryParameterTemplatesIncludeTheAncestorsUnlessFetchParentIsFalse() throws {
        let template = try json(send(.POST, "/api/parameter/template/", body: #"{"name": "Tolerance", "units": "%"}"#), status: 201)
        guard case .int(let templatePK)? = template["pk"] else { return XCTFail("no pk") }
        _ = try json(send(.POST, "/api/part/category/parameters/", body: #"{"category": 1, "template": \#(templatePK), "default_value": "5"}"#),
                     status: 201)
        func templates(_ query: String) throws -> [JSONValue] {
            array(try get("/api/part/category/parameters/?" + query)).compactMap { $0["template"] }
        }
        // MCU (5) is under IC (4) under Electronics (1)
        XCTAssertTrue(try templates("category=5").contains(.int(templatePK)))
        XCTAssertTrue(try templates("category=5&fetch_parent=true").contains(.int(templatePK)))
        XCTAssertFalse(try templates("category=5&fetch_parent=false").contains(.int(templatePK)))
        XCTAssertTrue(try templates("category=1&fetch_parent=false").contains(.int(templatePK)))
        XCTAssertFalse(try templates("category=7").contains(.int(templatePK)), "Mechanical is not under Electronics")
    }

    func testActivePartsAndPartsUsedInAssembliesAreNotDeleted() throws {
        let part = try json(send(.POST, "/api/part/", body: #"{"name": "Keep me", "description": "active", "category": 1}"#), status: 201)
        guard case .int(let pk)? = part["pk"] else { return XCTFail("no pk") }
        XCTAssertEqual(try json(send(.DELETE, "/api/part/\(pk)/"), status: 400),
                       .object([("non_field_errors", .array([.string("Cannot delete this part as it is still active")]))]))
        _ = try json(send(.PATCH, "/api/part/\(pk)/", body: #"{"active": false}"#), status: 200)
        _ = try json(send(.POST, "/api/bom/", body: #"{"part": 100, "sub_part": \#(pk), "quantity": 2}"#), status: 201)
        XCTAssertEqual(try json(send(.DELETE, "/api/part/\(pk)/"), status: 400),
                       .object([("non_field_errors", .array([.string("Cannot delete this part as it is used in an assembly")]))]))
        XCTAssertEqual(try scalar("SELECT count(*)::int FROM part_part WHERE id = $1", [pk], as: Int.self), 1)
        _ = try pool.withConnection { try $0.execute("DELETE FROM part_bomitem WHERE sub_part_id = $1", [pk]) }
        XCTAssertEqual(send(.DELETE, "/api/part/\(pk)/").status, 204)
    }

    func testBomUsesCountsVariantsOfTemplatesAndSubstitutes() throws {
        func uses(_ part: Int) throws -> Set<Int> {
            Set(array(try get("/api/bom/?uses=\(part)")).compactMap { $0["pk"]?.intValue })
        }
        // C_22N_0805 (5) is the sub part of lines 3 and 5 and a substitute on line 6
        XCTAssertEqual(try uses(5), [3, 5, 6])
        let open = try json(send(.POST, "/api/bom/", body: #"{"part": 100, "sub_part": 10000, "quantity": 4, "allow_variants": true}"#),
                            status: 201)
        let strict = try json(send(.POST, "/api/bom/", body: #"{"part": 100, "sub_part": 10003, "quantity": 1, "allow_variants": false}"#),
                              status: 201)
        guard let openPK = open["pk"]?.intValue, let strictPK = strict["pk"]?.intValue else { return XCTFail("no pks") }
        // Green chair variant (10004) is a variant of 10003, itself a variant of the Chair Template (10000)
        XCTAssertTrue(try uses(10004).contains(openPK))
        XCTAssertFalse(try uses(10004).contains(strictPK))
        XCTAssertTrue(try uses(10003).isSuperset(of: [openPK, strictPK]))
        XCTAssertFalse(try uses(2).contains(openPK))
    }

    func testTestResultsNameTheirTestAndCarryAFile() throws {
        // item 105 is a Widget (25), whose templates include 'Firmware Version' (10)
        let byName = try json(send(.POST, "/api/stock/test/", body: #"{"stock_item": 105, "test": "Firmware Version", "result": true}"#),
                              status: 201)
        XCTAssertEqual(byName["template"], .int(10))
        XCTAssertEqual(byName["attachment"], .null)
        // item 520 is a Green chair variant: the templates of the parts it is a variant of count
        let inherited = try json(send(.POST, "/api/stock/test/", body: #"{"stock_item": 520, "test": "applypaint", "result": true}"#),
                                 status: 201)
        XCTAssertEqual(inherited["template"], .int(2))
        XCTAssertEqual(try json(send(.POST, "/api/stock/test/", body: #"{"stock_item": 105, "result": true}"#), status: 400),
                       .object([("non_field_errors", .array([.string("Template ID or test name must be provided")]))]))
        XCTAssertEqual(keys(try json(send(.POST, "/api/stock/test/", body: #"{"stock_item": 105, "test": "no such test"}"#), status: 400)),
                       ["test"])

        let log = Array("flashed 0x123456\n".utf8)
        let withFile = try json(sendMultipart(.POST, "/api/stock/test/", fields: [
            ("stock_item", "105"), ("test", "firmwareversion"), ("result", "False"), ("value", "0x123456"), ("notes", ""),
        ], file: ("attachment", "flash log.txt", log), as: "admin"), status: 201)
        XCTAssertEqual(withFile["result"], .bool(false))
        XCTAssertEqual(withFile["value"], .string("0x123456"))
        XCTAssertEqual(withFile["template"], .int(10))
        XCTAssertEqual(withFile["attachment"], .string("/media/stock_files/105/flash_log.txt"))
        XCTAssertEqual(try Array(Data(contentsOf: URL(fileURLWithPath: mediaRoot + "/stock_files/105/flash_log.txt"))), log)
        XCTAssertEqual(try scalar("SELECT attachment FROM stock_stockitemtestresult WHERE id = $1", [withFile["pk"]?.intValue], as: String.self),
                       "stock_files/105/flash_log.txt")
        // a refused result keeps no file; an unknown item is reported as such
        let refused = try json(sendMultipart(.POST, "/api/stock/test/", fields: [("stock_item", "105"), ("test", "no such test")],
                                             file: ("attachment", "orphan.txt", log), as: "admin"), status: 400)
        XCTAssertEqual(keys(refused), ["test"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: mediaRoot + "/stock_files/105/orphan.txt"))
        let unknownItem = try json(sendMultipart(.POST, "/api/stock/test/", fields: [("stock_item", "999999"), ("test", "x")],
                                                 file: ("attachment", "orphan.txt", log), as: "admin"), status: 400)
        XCTAssertEqual(keys(unknownItem).first, "stock_item")
    }

    func testStockQuantityIsRequired() throws {
        let options = try json(send(.OPTIONS, "/api/stock/"), status: 200)
        XCTAssertEqual(options["actions"]?["POST"]?["quantity"]?["required"], .bool(true))
        XCTAssertEqual(keys(try json(send(.POST, "/api/stock/", body: #"{"part": 1, "location": 1}"#), status: 400)), ["quantity"])
        let created = try json(send(.POST, "/api/stock/", body: #"{"part": 1, "location": 1, "quantity": 3}"#), status: 201)
        XCTAssertTrue([JSONValue.int(3), .double(3)].contains(created["quantity"] ?? .null), "\(String(describing: created["quantity"]))")
    }

    func testParameterValuesMustBeOneOfTheTemplateChoices() throws {
        let template = try json(send(.POST, "/api/parameter/template/", body: #"{"name": "Colour", "choices": "red, green"}"#), status: 201)
        guard let templatePK = template["pk"]?.intValue else { return XCTFail("no pk") }
        let invalid: JSONValue = .object([("data", .array([.string("Invalid choice for parameter value")]))])
        XCTAssertEqual(try json(send(.POST, "/api/parameter/", body: #"{"template": \#(templatePK), "model_type": "part", "model_id": 2, "data": "blue"}"#),
                                status: 400), invalid)
        let parameter = try json(send(.POST, "/api/parameter/", body: #"{"template": \#(templatePK), "model_type": "part", "model_id": 2, "data": "green"}"#),
                                 status: 201)
        guard let pk = parameter["pk"]?.intValue else { return XCTFail("no pk") }
        XCTAssertEqual(try json(send(.PATCH, "/api/parameter/\(pk)/", body: #"{"data": "blue"}"#), status: 400), invalid)
        XCTAssertEqual(try json(send(.PATCH, "/api/parameter/\(pk)/", body: #"{"data": "red"}"#), status: 200)["data"], .string("red"))
    }
}

private extension JSONValue {
    var intValue: Int? {
        if case .int(let number) = self { return number }
        return nil
    }
}
