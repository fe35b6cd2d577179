import API
import Foundation
import HTTP
import XCTest

/// The differential set: for requests over the demo dataset, the answers' field names and JSON types match
/// InvenTree's (Data/inventree-shapes.json, written from InvenTree's serializers).
final class ShapeTests: DemoDataTestCase {
    static let shapesFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Data/inventree-shapes.json").path

    func testFieldNamesAndTypesMatchInvenTree() throws {
        let document = try JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: Self.shapesFile))))
        let shapes = array(document["shapes"])
        XCTAssertGreaterThan(shapes.count, 10)
        var byRequest: [String: [(String, JSONValue)]] = [:]
        for shape in shapes {
            guard let request = shape["request"]?.stringValue, case .object(var fields)? = shape["fields"] else {
                XCTFail("bad shape entry \(shape)")
                continue
            }
            if let base = shape["same_as"]?.stringValue { fields = (byRequest[base] ?? []) + fields }
            byRequest[request] = fields
            let answer = try get(request)
            let rows = shape["paginated"] == .bool(true) ? array(answer["results"]) : (request.hasSuffix("/") && answer.isArray ? array(answer) : [answer])
            XCTAssertFalse(rows.isEmpty, "\(request): no rows to compare")
            for row in rows {
                guard case .object(let members) = row else { XCTFail("\(request): row is no object"); continue }
                let expected = Set(fields.map(\.0))
                let actual = Set(members.map(\.0))
                if shape["subset"] == .bool(true) {
                    XCTAssertTrue(expected.isSubset(of: actual), "\(request): missing \(expected.subtracting(actual).sorted())")
                } else {
                    XCTAssertEqual(actual, expected, "\(request): extra \(actual.subtracting(expected).sorted()), missing \(expected.subtracting(actual).sorted())")
                }
                for (name, type) in fields {
                    guard let value = row[name], let allowed = type.stringValue?.split(separator: "|").map(String.init) else { continue }
                    XCTAssertTrue(allowed.contains(Self.typeName(value)) || (allowed.contains("number") && Self.typeName(value) == "integer"),
                                  "\(request): \(name) is \(Self.typeName(value)) (\(value)), InvenTree gives \(type)")
                }
            }
        }
        // Nested brief parts have PartBriefSerializer's fields.
        let brief = Set(array(document["nested"]?["part_brief"]).compactMap(\.stringValue))
        let bom = array(try get("/api/bom/?limit=3&part_detail=true")["results"])
        for line in bom {
            XCTAssertEqual(Set(keys(line["sub_part_detail"])), brief)
            XCTAssertEqual(Set(keys(line["part_detail"])), brief)
        }
    }

    func testFloatsDecimalsAndDatesAreWrittenInInvenTreesFormats() throws {
        let raw = text(send(.GET, "/api/part/1/"))
        XCTAssertTrue(raw.contains("\"minimum_stock\":0.0"), raw)
        XCTAssertTrue(raw.contains("\"creation_date\":\"2021-06-20\""), raw)
        let stock = try scalar("SELECT sum(quantity)::text FROM stock_stockitem WHERE part_id = 1 AND status IN (10, 50, 55) AND quantity > 0 AND sales_order_id IS NULL AND belongs_to_id IS NULL AND customer_id IS NULL AND consumed_by_id IS NULL AND NOT is_building", as: String.self)
        XCTAssertTrue(raw.contains("\"in_stock\":\(Double(stock) ?? -1)"), "in_stock \(stock) in \(raw)")
        let prices = text(send(.GET, "/api/part/internal-price/?limit=1"))
        XCTAssertNotNil(prices.range(of: #""price":"[0-9]+\.[0-9]{6}""#, options: .regularExpression), prices)
    }
}

extension JSONValue {
    var isArray: Bool { if case .array = self { return true }; return false }
}

extension ShapeTests {
    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "boolean"
        case .int: return "integer"
        case .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}
