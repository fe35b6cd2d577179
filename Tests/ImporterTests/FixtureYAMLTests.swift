import Foundation
@testable import Importer
import XCTest

/// The YAML subset reader of fixture files.
final class FixtureYAMLTests: XCTestCase {
    func testReadsRecordsScalarsListsAndComments() throws {
        let text = """
            # a comment
            - model: part.part
              pk: 7
              fields:
                name: 'It''s a part'   # trailing comment
                description: "say \\"hi\\""
                IPN: 002.01-PCB
                active: True
                minimum_stock: 4
                price: 1.5
                category: null
                link: http://example.com/#anchor
                groups:
                  - 1
                  - 2
                model_type:
                - part
                - part

            - model: auth.group
              pk: 2
              fields:
                name: Engineers
            """
        let records = try FixtureYAMLReader.parse(text, name: "test.yaml")
        XCTAssertEqual(records.count, 2)
        XCTAssertEqual(records[0]["model"] as? String, "part.part")
        XCTAssertEqual(records[0]["pk"] as? Int, 7)
        let fields = try XCTUnwrap(records[0]["fields"] as? [String: Any])
        XCTAssertEqual(fields["name"] as? String, "It's a part")
        XCTAssertEqual(fields["description"] as? String, "say \"hi\"")
        XCTAssertEqual(fields["IPN"] as? String, "002.01-PCB")
        XCTAssertEqual(fields["active"] as? Bool, true)
        XCTAssertEqual(fields["minimum_stock"] as? Int, 4)
        XCTAssertEqual(fields["price"] as? Double, 1.5)
        XCTAssertTrue(fields["category"] is NSNull)
        XCTAssertEqual(fields["link"] as? String, "http://example.com/#anchor")
        XCTAssertEqual((fields["groups"] as? [Any])?.compactMap { $0 as? Int }, [1, 2])
        XCTAssertEqual((fields["model_type"] as? [Any])?.compactMap { $0 as? String }, ["part", "part"])
        XCTAssertEqual((records[1]["fields"] as? [String: Any])?["name"] as? String, "Engineers")
    }

    func testRefusesWhatItDoesNotUnderstandWithTheLine() {
        let text = """
            - model: part.part
              pk: 1
              fields:
                notes: |
                  a block scalar
            """
        XCTAssertThrowsError(try FixtureYAMLReader.parse(text, name: "block.yaml")) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("block.yaml line 4"), message)
        }
        XCTAssertThrowsError(try FixtureYAMLReader.parse("model: x\n", name: "flat.yaml")) { error in
            XCTAssertTrue("\(error)".contains("flat.yaml line 1"), "\(error)")
        }
    }
}
