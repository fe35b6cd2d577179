import API
import Foundation
import HTTP
import Postgres
import XCTest

/// The part endpoints over InvenTree's own test fixtures (what the Python client's tests expect on their server),
/// signed in as their superuser `testuser`.
final class FixtureAPITests: DemoDataTestCase {
    override class var dataFile: String { sharedDirectory + "/inventree-fixtures" }
    override class var mediaDirectory: String? { nil }

    override func setUpWithError() throws {
        try super.setUpWithError()
        // `stockroom createsuperuser` gives the fixtures their superuser; a low iteration count keeps the test fast.
        _ = try pool.withConnection { try $0.execute("""
            INSERT INTO auth_user (username, password, first_name, last_name, email, is_staff, is_superuser, is_active, date_joined)
            VALUES ('testuser', 'pbkdf2_sha256$1000$stockroomtest$gVU82s5rpNW6Rju10K1KL0rXU0J8HTBoSAYB9QTnHRM=', '', '', '', true, true, true, now())
            ON CONFLICT (username) DO NOTHING
            """) }
    }

    override func auth(_ user: String) -> [(String, String)] {
        [("Authorization", "Basic " + Data("testuser:testpassword".utf8).base64EncodedString())]
    }

    func testCategoriesTreeAndCascade() throws {
        let electronics = try get("/api/part/category/1/")
        XCTAssertEqual(electronics["name"], .string("Electronics"))
        XCTAssertEqual(electronics["level"], .int(0))
        let children = array(try get("/api/part/category/?parent=1")).compactMap { $0["name"]?.stringValue }
        XCTAssertEqual(Set(children), Set(try pool.withConnection {
            try $0.query("SELECT name FROM part_partcategory WHERE parent_id = 1").map { try $0.decode(0, as: String.self) }
        }))
        let descendants = array(try get("/api/part/category/?parent=1&cascade=true"))
        XCTAssertEqual(descendants.count, try scalar("SELECT count(*)::int FROM part_partcategory WHERE tree_path @> ARRAY[1] AND id <> 1", as: Int.self))
        XCTAssertEqual(array(try get("/api/part/category/?parent=1&cascade=true&depth=0")).count, children.count)
        let top = array(try get("/api/part/category/?parent=null")).compactMap { $0["name"]?.stringValue }
        XCTAssertEqual(Set(top), ["Electronics", "Mechanical"])
        XCTAssertEqual(try json(send(.GET, "/api/part/category/?parent=999"), status: 400)["parent"],
                       .array([.string("Select a valid choice. That choice is not one of the available choices.")]))
        let withPath = try get("/api/part/category/5/?path_detail=true")
        XCTAssertEqual(array(withPath["path"]).first?["name"], .string("Electronics"))
        XCTAssertEqual(electronics["part_count"], .int(try scalar("""
            SELECT count(*)::int FROM part_part p JOIN part_partcategory c ON c.id = p.category_id WHERE c.tree_path @> ARRAY[1]
            """, as: Int.self)))
        let tree = array(try get("/api/part/category/tree/"))
        XCTAssertEqual(tree.count, try scalar("SELECT count(*)::int FROM part_partcategory", as: Int.self))
        XCTAssertEqual(Set(keys(tree.first)), ["pk", "name", "parent", "icon", "structural", "subcategories"])
    }

    func testCategoryWritesKeepTheTree() throws {
        let created = try json(send(.POST, "/api/part/category/", body: #"{"name": "Sensors", "parent": 1}"#), status: 201)
        guard case .int(let pk)? = created["pk"] else { return XCTFail("no pk") }
        XCTAssertEqual(created["pathstring"], .string("Electronics/Sensors"))
        XCTAssertEqual(created["level"], .int(1))
        let child = try json(send(.POST, "/api/part/category/", body: #"{"name": "Light", "parent": \#(pk)}"#), status: 201)
        guard case .int(let childPK)? = child["pk"] else { return XCTFail("no pk") }
        let loop = try json(send(.PATCH, "/api/part/category/\(pk)/", body: #"{"parent": \#(childPK)}"#), status: 400)
        XCTAssertEqual(loop["parent"], .array([.string("Cannot assign category as its own parent or as a child of itself")]))
        let mechanical = try scalar("SELECT id FROM part_partcategory WHERE name = 'Mechanical'", as: Int.self)
        let moved = try json(send(.PATCH, "/api/part/category/\(pk)/", body: #"{"parent": \#(mechanical)}"#), status: 200)
        XCTAssertEqual(moved["pathstring"], .string("Mechanical/Sensors"))
        XCTAssertEqual(try get("/api/part/category/\(childPK)/")["pathstring"], .string("Mechanical/Sensors/Light"))
        XCTAssertEqual(try json(send(.POST, "/api/part/category/", body: #"{"name": ""}"#), status: 400)["name"],
                       .array([.string("This field may not be blank.")]))
        XCTAssertEqual(send(.DELETE, "/api/part/category/\(childPK)/").status, 204)
        XCTAssertEqual(send(.DELETE, "/api/part/category/\(pk)/").status, 204)
    }

    func testVariantsTestTemplatesAndBOM() throws {
        // `variant_of` names the direct variants (`get_children`), `ancestor` every level below
        let variants = array(try get("/api/part/?variant_of=10000")).compactMap { $0["pk"] }
        XCTAssertEqual(variants.count, try scalar("SELECT count(*)::int FROM part_part WHERE variant_of_id = 10000", as: Int.self))
        XCTAssertFalse(variants.isEmpty)
        let descendants = array(try get("/api/part/?ancestor=10000")).compactMap { $0["pk"] }
        XCTAssertEqual(descendants.count, try scalar("SELECT count(*)::int FROM part_part WHERE variant_of_id = 10000 OR variant_of_id IN (SELECT id FROM part_part WHERE variant_of_id = 10000)", as: Int.self))
        XCTAssertGreaterThan(descendants.count, variants.count)
        // A variant's test templates include its template's.
        let variant = try scalar("SELECT id FROM part_part WHERE variant_of_id = 10000 ORDER BY id LIMIT 1", as: Int.self)
        let templates = array(try get("/api/part/test-template/?part=\(variant)"))
        XCTAssertGreaterThanOrEqual(templates.count, try scalar("SELECT count(*)::int FROM part_parttesttemplate WHERE part_id = 10000", as: Int.self))
        let created = try json(send(.POST, "/api/part/test-template/", body: #"{"part": 10000, "test_name": "Wobble Check!"}"#), status: 201)
        XCTAssertEqual(created["key"], .string("wobblecheck"))
        XCTAssertEqual(try json(send(.POST, "/api/part/test-template/", body: #"{"part": 10000, "test_name": "wobble check"}"#), status: 400)["key"],
                       .array([.string("Test template with the same key already exists for part")]))
        let untestable = try scalar("SELECT id FROM part_part WHERE NOT testable ORDER BY id LIMIT 1", as: Int.self)
        XCTAssertEqual(try json(send(.POST, "/api/part/test-template/", body: #"{"part": \#(untestable), "test_name": "X"}"#), status: 400)["part"],
                       .array([.string("Test templates can only be created for testable parts")]))

        let assembly = try scalar("SELECT part_id FROM part_bomitem ORDER BY id LIMIT 1", as: Int.self)
        let lines = array(try get("/api/bom/?part=\(assembly)"))
        XCTAssertEqual(lines.count, try scalar("SELECT count(*)::int FROM part_bomitem WHERE part_id = \(assembly) OR (inherited AND part_id IN (WITH RECURSIVE up(id, parent) AS (SELECT id, variant_of_id FROM part_part WHERE id = \(assembly) UNION ALL SELECT p.id, p.variant_of_id FROM part_part p JOIN up ON p.id = up.parent) SELECT id FROM up))", as: Int.self))
        XCTAssertNotNil(lines.first?["sub_part_detail"]?["name"])
        let selfReference = try json(send(.POST, "/api/bom/", body: #"{"part": \#(assembly), "sub_part": \#(assembly), "quantity": 1}"#), status: 400)
        XCTAssertNotNil(selfReference["sub_part"] ?? selfReference["part"], "\(selfReference)")
        let requirements = try get("/api/part/\(assembly)/requirements/")
        XCTAssertNotNil(requirements["can_build"])
    }

    func testRelatedPartsAndPriceBreaks() throws {
        let related = try json(send(.POST, "/api/part/related/", body: #"{"part_1": 1, "part_2": 25, "note": "pairs"}"#), status: 201)
        XCTAssertEqual(related["part_2_detail"]?["name"], .string("Widget"))
        XCTAssertEqual(try json(send(.POST, "/api/part/related/", body: #"{"part_1": 25, "part_2": 1}"#), status: 400)["non_field_errors"],
                       .array([.string("Duplicate relationship already exists")]))
        XCTAssertEqual(try json(send(.POST, "/api/part/related/", body: #"{"part_1": 1, "part_2": 1}"#), status: 400)["non_field_errors"],
                       .array([.string("Part cannot be related to itself")]))
        XCTAssertEqual(array(try get("/api/part/related/?part=25")).count, 1)

        let price = try json(send(.POST, "/api/part/sale-price/", body: #"{"part": 1, "quantity": 7, "price": "1.5"}"#), status: 201)
        XCTAssertEqual(price["price"], .string("1.500000"))
        XCTAssertEqual(price["price_currency"], .string("USD"))
        XCTAssertEqual(price["quantity"], .int(7))
        XCTAssertEqual(try json(send(.POST, "/api/part/sale-price/", body: #"{"part": 1, "quantity": 7, "price": "2"}"#), status: 400)["non_field_errors"],
                       .array([.string("PartSellPriceBreak with this Part and Quantity already exists.")]))
    }

    func testParametersAndTemplates() throws {
        let templates = array(try get("/api/parameter/template/"))
        XCTAssertEqual(templates.count, try scalar("SELECT count(*)::int FROM common_parametertemplate", as: Int.self))
        let template = try json(send(.POST, "/api/parameter/template/", body: #"{"name": "Voltage rating", "units": "V"}"#), status: 201)
        guard case .int(let templatePK)? = template["pk"] else { return XCTFail("no pk") }
        XCTAssertEqual(template["model_type"], .null)
        let parameter = try json(send(.POST, "/api/parameter/", body: #"{"template": \#(templatePK), "model_type": "part", "model_id": 1, "data": "50"}"#),
                                 status: 201)
        XCTAssertEqual(parameter["template_detail"]?["name"], .string("Voltage rating"))
        XCTAssertEqual(parameter["updated_by_detail"]?["username"], .string("testuser"))
        let forPart = array(try get("/api/parameter/?model_type=part&model_id=1")).compactMap { $0["data"]?.stringValue }
        XCTAssertTrue(forPart.contains("50"))
        let part = try get("/api/part/1/?parameters=true")
        XCTAssertTrue(array(part["parameters"]).contains { $0["template"] == .int(templatePK) })
        XCTAssertEqual(try json(send(.POST, "/api/parameter/", body: #"{"template": 99999, "model_type": "part", "model_id": 1, "data": "x"}"#),
                                status: 400)["template"], .array([.string("Invalid pk \"99999\" - object does not exist.")]))
    }
}
