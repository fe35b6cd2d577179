import XCTest
@testable import Daemon

final class DaemonSmokeTests: XCTestCase {
    func testModuleLinks() {}
}
