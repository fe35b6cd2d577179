import XCTest
@testable import Redis

final class RedisSmokeTests: XCTestCase {
    func testModuleLinks() {}
}
