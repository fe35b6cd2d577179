import XCTest
@testable import Postgres

final class PostgresSmokeTests: XCTestCase {
    func testModuleLinks() {}
}
