import API
import HTTP
import XCTest

final class PartAPITests: DemoDataTestCase {
    func testListAndDetail() throws {
        let page = try get("/api/part/?limit=2&category_detail=true")
        print(String(decoding: page.encoded(), as: UTF8.self))
        let detail = try get("/api/part/1/?parameters=true")
        print(String(decoding: detail.encoded(), as: UTF8.self))
    }
}
