import XCTest
@testable import Supervisor

final class SupervisorSmokeTests: XCTestCase {
    func testModuleLinks() {}
}
