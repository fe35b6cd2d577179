import API
import HTTP
import XCTest

/// Each demo user reads and writes exactly what the rule sets of the demo dataset allow on the part endpoints.
/// An empty body is a 400 for a user who may write (the permission check comes first) and a 403 otherwise.
final class PartPermissionTests: DemoDataTestCase {
    func testWritesFollowTheRuleSets() throws {
        let endpoints = ["/api/part/", "/api/part/category/", "/api/bom/", "/api/part/test-template/", "/api/part/related/",
                         "/api/part/sale-price/", "/api/part/internal-price/", "/api/part/category/parameters/"]
        // reader: view only; engineer and allaccess: parts, categories and BOMs; admin: superuser.
        let mayWrite = ["reader": false, "engineer": true, "allaccess": true, "admin": true]
        for (user, allowed) in mayWrite {
            for endpoint in endpoints {
                XCTAssertEqual(send(.GET, endpoint + "?limit=1", as: user).status, 200, "\(user) GET \(endpoint)")
                XCTAssertEqual(send(.POST, endpoint, as: user, body: "{}").status, allowed ? 400 : 403, "\(user) POST \(endpoint)")
                XCTAssertEqual(send(.DELETE, endpoint, as: user, body: "{}").status, allowed ? 400 : 403, "\(user) DELETE \(endpoint)")
            }
            XCTAssertEqual(send(.PATCH, "/api/part/category/1/", as: user, body: #"{"parent": 999999}"#).status, allowed ? 400 : 403, user)
            XCTAssertEqual(send(.PUT, "/api/part/1/", as: user, body: "{}").status, allowed ? 400 : 403, user)
        }
    }

    func testOptionsListTheActionsOfTheRole() throws {
        for (user, expected) in [("reader", Set(["GET"])), ("engineer", ["POST", "DELETE", "GET"]), ("admin", ["POST", "DELETE", "GET"])] {
            let metadata = try json(send(.OPTIONS, "/api/part/category/", as: user), status: 200)
            XCTAssertEqual(Set(keys(metadata["actions"])), expected, user)
            XCTAssertEqual(metadata["model"], .string("partcategory"))
            let detail = try json(send(.OPTIONS, "/api/bom/\(try scalar("SELECT min(id) FROM part_bomitem", as: Int.self))/", as: user), status: 200)
            XCTAssertEqual(detail["actions"]?["PUT"] != nil, user != "reader", user)
        }
    }
}
