import API
import Foundation
import HTTP
import XCTest

/// `attachment/`: links and multipart uploads written into the media root, visibility and changes by the role of
/// the record an attachment belongs to.
final class AttachmentAPITests: DemoDataTestCase {
    private func upload(_ fields: [(String, String)], file: (name: String, bytes: [UInt8])?, as user: String) -> HTTPResponse {
        sendMultipart(.POST, "/api/attachment/", fields: fields, file: file.map { ("attachment", $0.name, $0.bytes) }, as: user)
    }

    func testUploadsAreStoredUnderSafeUniqueNames() throws {
        let stockItem: Int = try scalar("SELECT min(id) FROM stock_stockitem")
        let content = Array("datasheet contents\n".utf8)
        let first = try json(upload([("model_type", "stockitem"), ("model_id", "\(stockItem)"), ("comment", "spec")],
                                    file: ("../../etc/evil name.txt", content), as: "allaccess"), status: 201)
        XCTAssertEqual(first["attachment"], .string("/media/attachments/stockitem/\(stockItem)/evil_name.txt"))
        XCTAssertEqual(first["filename"], .string("evil_name.txt"))
        XCTAssertEqual(first["file_size"], .int(content.count))
        XCTAssertEqual(first["is_file"], .bool(true))
        XCTAssertEqual(first["upload_user"], .int(4))
        XCTAssertEqual(try Array(Data(contentsOf: URL(fileURLWithPath: mediaRoot + "/attachments/stockitem/\(stockItem)/evil_name.txt"))), content)

        let second = try json(upload([("model_type", "stockitem"), ("model_id", "\(stockItem)")],
                                     file: ("evil name.txt", Array("other".utf8)), as: "allaccess"), status: 201)
        guard case .string(let path)? = second["attachment"] else { return XCTFail("no path: \(second)") }
        XCTAssertNotEqual(path, "/media/attachments/stockitem/\(stockItem)/evil_name.txt")
        XCTAssertTrue(path.hasPrefix("/media/attachments/stockitem/\(stockItem)/evil_name_") && path.hasSuffix(".txt"), path)
        XCTAssertEqual(try String(contentsOfFile: mediaRoot + "/" + path.dropFirst("/media/".count), encoding: .utf8), "other")
        XCTAssertEqual(try Array(Data(contentsOf: URL(fileURLWithPath: mediaRoot + "/attachments/stockitem/\(stockItem)/evil_name.txt"))),
                       content, "the first file is untouched")
        XCTAssertEqual(upload([("model_type", "stockitem"), ("model_id", "\(stockItem)")], file: ("x.txt", [1]), as: "engineer").status, 403,
                       "engineers may view stock but not change it")
    }

    func testLinksFiltersVisibilityAndDeletion() throws {
        let link = try json(send(.POST, "/api/attachment/", as: "engineer",
                                 body: #"{"model_type": "part", "model_id": 1, "link": "https://example.com/ds.pdf", "comment": "ds"}"#),
                            status: 201)
        XCTAssertEqual(link["is_link"], .bool(true))
        XCTAssertEqual(link["attachment"], .null)
        guard case .int(let linkID)? = link["pk"] else { return XCTFail("no pk") }
        XCTAssertEqual(send(.POST, "/api/attachment/", as: "reader", body: #"{"model_type": "part", "model_id": 1, "link": "https://x"}"#).status, 403)
        let neither = try json(send(.POST, "/api/attachment/", body: #"{"model_type": "part", "model_id": 1}"#), status: 400)
        XCTAssertEqual(neither["attachment"], .array([.string("Missing file")]))
        XCTAssertEqual(neither["link"], .array([.string("Missing external link")]))
        let badType = try json(send(.POST, "/api/attachment/", body: #"{"model_type": "user", "model_id": 1, "link": "https://x"}"#), status: 400)
        XCTAssertEqual(badType["model_type"], .array([.string("Invalid model type specified for attachment")]))

        let order: Int = try scalar("SELECT min(id) FROM order_purchaseorder")
        let orderLink = try json(send(.POST, "/api/attachment/", body: #"{"model_type": "purchaseorder", "model_id": \#(order), "link": "https://po"}"#),
                                 status: 201)
        guard case .int(let orderLinkID)? = orderLink["pk"] else { return XCTFail("no pk") }
        XCTAssertEqual(array(try get("/api/attachment/?model_type=purchaseorder&model_id=\(order)")).count, 1)
        XCTAssertEqual(array(try get("/api/attachment/?model_type=purchaseorder&model_id=\(order)", as: "engineer")).count, 0,
                       "engineers do not see purchase orders, nor their attachments")
        XCTAssertEqual(send(.GET, "/api/attachment/\(orderLinkID)/", as: "engineer").status, 404)
        XCTAssertEqual(array(try get("/api/attachment/?model_type=part&model_id=1&is_link=true", as: "reader")).count, 1)
        XCTAssertEqual(array(try get("/api/attachment/?model_type=part&model_id=1&is_file=true", as: "reader")).count, 0)

        XCTAssertEqual(send(.PATCH, "/api/attachment/\(linkID)/", as: "reader", body: #"{"comment": "mine"}"#).status, 403)
        let patched = try json(send(.PATCH, "/api/attachment/\(linkID)/", as: "engineer", body: #"{"comment": "updated", "model_type": "build"}"#),
                               status: 200)
        XCTAssertEqual(patched["comment"], .string("updated"))
        XCTAssertEqual(patched["model_type"], .string("part"), "an attachment does not move to another record")
        XCTAssertEqual(send(.DELETE, "/api/attachment/\(linkID)/", as: "reader").status, 403)
        XCTAssertEqual(send(.DELETE, "/api/attachment/", as: "engineer", body: #"{"items": [\#(orderLinkID)]}"#).status, 403)
        XCTAssertEqual(send(.DELETE, "/api/attachment/\(linkID)/", as: "engineer").status, 204)
    }
}

/// Part images uploaded as multipart PATCH: stored under `part_images/`, a non-image refused.
final class PartImageUploadTests: DemoDataTestCase {
    private func patch(_ path: String, file: (name: String, bytes: [UInt8]), fields: [(String, String)] = [], as user: String) -> HTTPResponse {
        sendMultipart(.PATCH, path, fields: fields, file: ("image", file.name, file.bytes), as: user)
    }

    func testImagesAreStoredAndNonImagesRefused() throws {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 7, count: 40)
        let updated = try json(patch("/api/part/1/", file: ("new photo.png", png), fields: [("description", "photographed")], as: "engineer"),
                               status: 200)
        XCTAssertEqual(updated["image"], .string("/media/part_images/new_photo.png"))
        XCTAssertEqual(updated["description"], .string("photographed"))
        XCTAssertEqual(try Array(Data(contentsOf: URL(fileURLWithPath: mediaRoot + "/part_images/new_photo.png"))), png)
        let refused = try json(patch("/api/part/1/", file: ("fake.png", Array("not an image".utf8)), as: "engineer"), status: 400)
        XCTAssertEqual(refused["image"], .array([.string("Upload a valid image. The file you uploaded was either not an image or a corrupted image.")]))
        XCTAssertEqual(patch("/api/part/1/", file: ("x.png", png), as: "reader").status, 403)
    }
}
