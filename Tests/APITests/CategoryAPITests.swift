import API
import HTTP
import XCTest

final class CategoryAPITests: DemoDataTestCase {
    func testListsTheTreeWithCountsAndPaths() throws {
        let all = array(try get("/api/part/category/"))
        XCTAssertEqual(all.count, try scalar("SELECT count(*)::int FROM part_partcategory", as: Int.self))
        guard let first = all.first else { return XCTFail("no categories") }
        XCTAssertEqual(Set(keys(first)), ["pk", "name", "description", "default_location", "default_keywords", "level", "parent",
                                     "part_count", "subcategories", "pathstring", "starred", "url", "structural", "icon",
                                     "parent_default_location"])
    }
}
