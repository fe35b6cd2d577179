@testable import API
import Auth
import HTTP
import XCTest

final class RoleRequirementTests: XCTestCase {
    func testMethodsMapToInvenTreesActions() {
        XCTAssertEqual(Permission(method: .GET), .view)
        XCTAssertEqual(Permission(method: .HEAD), .view)
        XCTAssertEqual(Permission(method: .OPTIONS), .view)
        XCTAssertEqual(Permission(method: .POST), .add)
        XCTAssertEqual(Permission(method: .PUT), .change)
        XCTAssertEqual(Permission(method: .PATCH), .change)
        XCTAssertEqual(Permission(method: .DELETE), .delete)
    }

    func testPaginationReadsLimitAndOffsetAsDRF() {
        XCTAssertEqual(Pagination(query: [("limit", "10"), ("offset", "5")]), Pagination(limit: 10, offset: 5))
        XCTAssertEqual(Pagination(query: [("limit", "0")]).limit, nil)
        XCTAssertEqual(Pagination(query: [("limit", "x")]).limit, nil)
        XCTAssertEqual(Pagination(query: [("limit", "3"), ("offset", "-1")]).offset, 0)
        XCTAssertEqual(Pagination(limit: 2, offset: 1).slice([1, 2, 3, 4]), [2, 3])
        XCTAssertEqual(Pagination(limit: 2, offset: 9).slice([1, 2]), [])
        XCTAssertEqual(Pagination(limit: 2, offset: 4).sqlClause, " LIMIT 2 OFFSET 4")
        let url = PageURL(base: "http://h/api/part/", query: [("search", "a b&c"), ("limit", "2")])
        XCTAssertEqual(url.with(["limit": "2", "offset": "4"]), "http://h/api/part/?limit=2&offset=4&search=a+b%26c")
    }
}
