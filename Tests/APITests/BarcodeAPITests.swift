import API
import HTTP
import XCTest

/// `barcode/`, `barcode/link/`, `barcode/unlink/` as InvenTree's built-in barcode plugin answers them.
final class BarcodeAPITests: DemoDataTestCase {
    func testInternalBarcodesScan() throws {
        let part = try json(send(.POST, "/api/barcode/", body: #"{"barcode": "{\"part\": 1}"}"#), status: 200)
        XCTAssertEqual(part["part"], .object([("api_url", .string("/api/part/1/")), ("pk", .int(1)), ("web_url", .string("/web/part/1"))]), "parsed JSON keeps sorted keys")
        XCTAssertEqual(part["plugin"], .string("InvenTreeBarcode"))
        XCTAssertEqual(part["success"], .string("Match found for barcode data"))
        XCTAssertEqual(part["barcode_hash"], .string(try scalar("SELECT md5($1)", [#"{"part": 1}"#])))
        let item: Int = try scalar("SELECT min(id) FROM stock_stockitem")
        let short = try json(send(.POST, "/api/barcode/", as: "reader", body: #"{"barcode": "INV-SI\#(item)"}"#), status: 200)
        XCTAssertEqual(short["stockitem"]?["pk"], .int(item))
        let none = try json(send(.POST, "/api/barcode/", body: #"{"barcode": "nothing-here"}"#), status: 400)
        XCTAssertEqual(none["error"], .string("No match found for barcode data"))
        XCTAssertEqual(none["plugin"], .null)
        let empty = try json(send(.POST, "/api/barcode/", body: #"{}"#), status: 400)
        XCTAssertEqual(empty["barcode"], .array([.string("This field is required.")]))
    }

    func testLinkScanAndUnlinkThirdPartyBarcodes() throws {
        let item: Int = try scalar("SELECT max(id) FROM stock_stockitem")
        XCTAssertEqual(send(.POST, "/api/barcode/link/", as: "reader", body: #"{"barcode": "VENDOR-0042", "stockitem": \#(item)}"#).status, 403)
        let linked = try json(send(.POST, "/api/barcode/link/", body: #"{"barcode": "VENDOR-0042", "stockitem": \#(item)}"#), status: 200)
        XCTAssertEqual(linked["success"], .string("Assigned barcode to stockitem instance"))
        let digest: String = try scalar("SELECT md5('VENDOR-0042')")
        XCTAssertEqual(linked["barcode_hash"], .string(digest))
        XCTAssertEqual(try scalar("SELECT barcode_hash FROM stock_stockitem WHERE id = $1", [item]) as String, digest)

        let scanned = try json(send(.POST, "/api/barcode/", body: "{\"barcode\": \"  VENDOR-0042\\u0007 \"}"), status: 200)
        XCTAssertEqual(scanned["stockitem"]?["pk"], .int(item), "non-printable characters and spaces do not change the hash")
        let again = try json(send(.POST, "/api/barcode/link/", body: #"{"barcode": "VENDOR-0042", "part": 1}"#), status: 400)
        XCTAssertEqual(again["error"], .string("Barcode matches existing item"))
        let neither = try json(send(.POST, "/api/barcode/link/", body: #"{"barcode": "FRESH-1"}"#), status: 400)
        XCTAssertNotNil(neither["non_field_errors"])

        XCTAssertEqual(send(.POST, "/api/barcode/unlink/", body: #"{"stockitem": \#(item)}"#).status, 200)
        XCTAssertEqual(send(.POST, "/api/barcode/", body: #"{"barcode": "VENDOR-0042"}"#).status, 400)
    }
}
