import XCTest

final class EndToEndSmokeTests: XCTestCase {
    func testNothingYet() {}
}
