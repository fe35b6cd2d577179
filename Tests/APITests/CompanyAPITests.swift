import API
import FoundationEssentials
import HTTP
import XCTest

/// `company/` over the demo dataset: InvenTree's fields and counts, filters, creation with the default currency,
/// permissions through the order rule sets, and image uploads as for parts.
final class CompanyAPITests: DemoDataTestCase {
    func testDetailHasInvenTreesFieldsAndCounts() throws {
        let digikey = try get("/api/company/1/")
        XCTAssertEqual(Set(keys(digikey)), ["pk", "name", "description", "website", "phone", "email", "currency", "contact", "link",
                                            "image", "active", "is_customer", "is_manufacturer", "is_supplier", "notes",
                                            "parts_supplied", "parts_manufactured", "tax_id"])
        XCTAssertEqual(digikey["name"], .string("DigiKey"))
        XCTAssertEqual(digikey["image"], .string("/media/company_images/company_1_img.jpg"))
        XCTAssertEqual(digikey["email"], .null)
        XCTAssertEqual(digikey["parts_supplied"], .int(200))
        XCTAssertEqual(try get("/api/company/6/")["parts_manufactured"], .int(36))
        let withAddress = try get("/api/company/33/?address_detail=true")
        XCTAssertEqual(withAddress["primary_address"]?["line1"], .string("Beverly Road 67"))
        XCTAssertEqual(withAddress["primary_address"]?["country"], .string("Haiti"))
    }

    func testListFiltersSearchAndOrdering() throws {
        let all = try get("/api/company/?limit=100")
        XCTAssertEqual(all["count"], .int(try scalar("SELECT count(*)::integer FROM company_company", as: Int.self)))
        XCTAssertNil(array(all["results"]).first?["notes"], "notes only in detail views")
        XCTAssertEqual(try get("/api/company/?is_customer=true&limit=1")["count"],
                       .int(try scalar("SELECT count(*)::integer FROM company_company WHERE is_customer", as: Int.self)))
        XCTAssertEqual(try get("/api/company/?is_supplier=1&is_customer=false&limit=1")["count"],
                       .int(try scalar("SELECT count(*)::integer FROM company_company WHERE is_supplier AND NOT is_customer", as: Int.self)))
        let names = array(try get("/api/company/")).compactMap { value -> String? in
            if case .string(let name)? = value["name"] { return name }
            return nil
        }
        XCTAssertEqual(names.joined(separator: "|"),
                       try scalar("SELECT string_agg(name, '|' ORDER BY name) FROM company_company", as: String.self))
        let busiest = array(try get("/api/company/?ordering=-parts_supplied&limit=1")["results"]).first
        XCTAssertEqual(busiest?["name"], .string("McMaster-Carr"))
        let found = array(try get("/api/company/?search=digikey"))
        XCTAssertEqual(found.map { $0["pk"] }, [.int(1)])
    }

    func testCreateUsesTheDefaultCurrencyAndRolesDecide() throws {
        let created = try json(send(.POST, "/api/company/", as: "allaccess", body: #"{"name": "Acme Widgets", "is_customer": true}"#),
                               status: 201)
        XCTAssertEqual(created["currency"], .string("USD"))
        XCTAssertEqual(created["is_supplier"], .bool(true))
        XCTAssertEqual(created["parts_supplied"], .int(0))
        let missing = try json(send(.POST, "/api/company/", as: "allaccess", body: #"{"description": "no name"}"#), status: 400)
        XCTAssertEqual(missing["name"], .array([.string("This field is required.")]))
        XCTAssertEqual(send(.POST, "/api/company/", as: "engineer", body: #"{"name": "Not allowed"}"#).status, 403)
        XCTAssertEqual(send(.GET, "/api/company/", as: "reader").status, 200)
        XCTAssertEqual(send(.PATCH, "/api/company/1/", as: "reader", body: #"{"description": "changed"}"#).status, 403)
    }

    func testImageUploadStoresImagesAndRefusesOtherFiles() throws {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 3, count: 40)
        let updated = try json(patch("/api/company/2/", file: ("logo.png", png), as: "allaccess"), status: 200)
        XCTAssertEqual(updated["image"], .string("/media/company_images/logo.png"))
        XCTAssertEqual(try Array(Data(contentsOf: URL(fileURLWithPath: mediaRoot + "/company_images/logo.png"))), png)
        let refused = try json(patch("/api/company/2/", file: ("logo.png", Array("GIF? no".utf8)), as: "allaccess"), status: 400)
        XCTAssertEqual(refused["image"], .array([.string(
            "Upload a valid image. The file you uploaded was either not an image or a corrupted image.")]))
        XCTAssertEqual(patch("/api/company/2/", file: ("logo.png", png), as: "reader").status, 403)
    }

    private func patch(_ path: String, file: (name: String, bytes: [UInt8]), as user: String) -> HTTPResponse {
        sendMultipart(.PATCH, path, fields: [], file: ("image", file.name, file.bytes), as: user)
    }
}
