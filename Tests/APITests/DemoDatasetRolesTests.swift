import API
import Foundation
import HTTP
import Importer
import Postgres
import TestSupport
import XCTest

/// The demo dataset, imported as InvenTree exported it (2024) and as InvenTree 1.5 exports it (API 530):
/// every demo user signs in with their password and gets the roles InvenTree gives them.
final class DemoDatasetRolesTests: APITestCase {
    static let demoDirectory: String = {
        if let shared = ProcessInfo.processInfo.environment["STOCKROOM_SHARED_DIR"] { return shared + "/demo-dataset" }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/demo-dataset").path
    }()

    override func loadData(_ connection: PostgresConnection) throws {}

    static let all = ["view", "add", "change", "delete"]
    /// InvenTree's answers (users.ruleset of the API 530 export; the 2024 export upgraded as InvenTree's migrations do).
    static let expected: [(user: String, password: String, roles: [String: [String]?])] = [
        ("admin", "inventree", [
            "admin": all, "part_category": all, "part": all, "bom": all, "stock_location": all, "stock": all,
            "build": all, "purchase_order": all, "sales_order": all, "return_order": all, "transfer_order": all]),
        ("reader", "readonly", [
            "admin": ["view"], "part_category": ["view"], "part": ["view"], "bom": ["view"], "stock_location": ["view"],
            "stock": ["view"], "build": ["view"], "purchase_order": ["view"], "sales_order": ["view"],
            "return_order": ["view"], "transfer_order": nil]),
        ("engineer", "partsonly", [
            "admin": ["view"], "part_category": all, "part": all, "bom": all, "stock_location": ["view"],
            "stock": ["view"], "build": ["view"], "purchase_order": nil, "sales_order": nil,
            "return_order": ["view"], "transfer_order": nil]),
        ("allaccess", "nolimits", [
            "admin": ["view"], "part_category": all, "part": all, "bom": all, "stock_location": all, "stock": all,
            "build": all, "purchase_order": all, "sales_order": all, "return_order": all, "transfer_order": nil]),
    ]

    func testExport2024() throws { try check("inventree_data.json") }

    func testExportAPI530() throws { try check("inventree_data_api530.json") }

    private func check(_ file: String) throws {
        let environment = try TestEnvironment.current()
        let mediaRoot = environment.scratchDirectory + "/demo-roles-media"
        try pool.withConnection { connection in
            _ = try InvenTreeImporter.run(file: Self.demoDirectory + "/" + file, connection: connection,
                                          options: ImportOptions(replace: true, mediaRoot: mediaRoot))
        }
        for (user, password, roles) in Self.expected {
            let response = send(.GET, "/api/user/me/roles/", headers: [basic(user, password)])
            XCTAssertEqual(response.status, 200, "\(file): \(user) did not sign in")
            let answer = try json(response)
            XCTAssertEqual(answer["username"], .string(user))
            let expected: JSONValue = .object(roles.sorted { $0.key < $1.key }.map { name, actions in
                (name, actions.map { .array($0.map(JSONValue.string)) } ?? .null)
            })
            XCTAssertEqual(answer["roles"], expected, "\(file): roles of \(user)")
        }
    }
}
