import Inventory
import XCTest

final class SerialNumberTests: XCTestCase {
    func testRangesSinglesAndOpenSequence() throws {
        XCTAssertEqual(try SerialNumbers.parse("1-5, 7, 10+", expectedQuantity: 10),
                       ["1", "2", "3", "4", "5", "7", "10", "11", "12", "13"])
        XCTAssertEqual(try SerialNumbers.parse("10+3", expectedQuantity: 4), ["10", "11", "12", "13"])
        XCTAssertEqual(try SerialNumbers.parse("A007-A010", expectedQuantity: 4), ["A007", "A008", "A009", "A010"])
        XCTAssertEqual(try SerialNumbers.parse("~, ~", expectedQuantity: 2, next: "41"), ["41", "42"])
        XCTAssertEqual(try SerialNumbers.parse("x y z", expectedQuantity: 3), ["x", "y", "z"])
    }

    func testErrorsNameTheSerialNumbersField() {
        func error(_ input: String, _ quantity: Int) -> [String] {
            do {
                _ = try SerialNumbers.parse(input, expectedQuantity: quantity)
                return []
            } catch let error as StockValidationError {
                return error.fields["serial_numbers"] ?? ["wrong field: \(error)"]
            } catch {
                return ["\(error)"]
            }
        }
        XCTAssertEqual(error("  ", 1), ["Empty serial number string"])
        XCTAssertEqual(error("1, 2, 2", 4), ["Duplicate serial: 2"])
        XCTAssertEqual(error("1-5", 3), ["Group range 1-5 exceeds allowed quantity (3)"])
        XCTAssertEqual(error("1-5, 9", 7), ["Number of unique serial numbers (6) must match quantity (7)"])
        XCTAssertEqual(error("5-5, 6", 3), ["Invalid group range: 5-5"])
        XCTAssertEqual(error("4+x, 1", 3), ["Invalid group sequence: 4+x"])
    }

    func testIncrementAndSortKey() {
        XCTAssertEqual(SerialNumbers.increment("A009"), "A010")
        XCTAssertEqual(SerialNumbers.increment("99"), "100")
        XCTAssertNil(SerialNumbers.increment("ABC"))
        XCTAssertEqual(SerialNumbers.sortKey("123abc"), 123)
        XCTAssertEqual(SerialNumbers.sortKey("SN-0042"), 42)
        XCTAssertEqual(SerialNumbers.sortKey("99999999999999"), 0x7FFF_FFFF)
        XCTAssertEqual(SerialNumbers.sortKey("none"), 0)
    }
}
