import XCTest
@testable import HTTP

final class HTTPPathNormalizerTests: XCTestCase {
    func normalized(_ path: String) -> String? {
        try? HTTPPathNormalizer.normalize(Substring(path)).get()
    }

    func refusal(_ path: String) -> HTTPParseError.Kind? {
        if case .failure(let error) = HTTPPathNormalizer.normalize(Substring(path)) { return error.kind }
        return nil
    }

    func testPlainPathIsUnchanged() {
        XCTAssertEqual(normalized("/api/part/12/"), "/api/part/12/")
        XCTAssertEqual(normalized("/"), "/")
        XCTAssertEqual(normalized("/static/app.js"), "/static/app.js")
    }

    func testPercentEncodingIsDecoded() {
        XCTAssertEqual(normalized("/a%20b/caf%C3%A9"), "/a b/café")
    }

    func testDotSegmentsAreResolved() {
        XCTAssertEqual(normalized("/a/./b/../c"), "/a/c")
        XCTAssertEqual(normalized("/a/b/.."), "/a/")
        XCTAssertEqual(normalized("/a/b/."), "/a/b/")
        XCTAssertEqual(normalized("/a/.."), "/")
        XCTAssertEqual(normalized("/a/%2e%2E/b"), "/b")
    }

    func testRepeatedSlashesAreMerged() {
        XCTAssertEqual(normalized("//a///b//"), "/a/b/")
    }

    func testEscapingTheRootIsRefused() {
        XCTAssertEqual(refusal("/.."), .pathEscapesRoot)
        XCTAssertEqual(refusal("/a/../../etc/passwd"), .pathEscapesRoot)
        XCTAssertEqual(refusal("/%2e%2e/etc/passwd"), .pathEscapesRoot)
        XCTAssertEqual(refusal("relative"), .pathEscapesRoot)
    }

    func testEncodedSlashIsRefused() {
        XCTAssertEqual(refusal("/a%2Fb"), .encodedSlash)
        XCTAssertEqual(refusal("/..%2f..%2fetc"), .encodedSlash)
    }

    func testEncodedNULIsRefused() {
        XCTAssertEqual(refusal("/a%00.txt"), .encodedNUL)
    }

    func testMalformedPercentEncodingIsRefused() {
        XCTAssertEqual(refusal("/a%2"), .invalidPercentEncoding)
        XCTAssertEqual(refusal("/a%zz"), .invalidPercentEncoding)
        XCTAssertEqual(refusal("/a%"), .invalidPercentEncoding)
    }

    func testInvalidUTF8IsRefused() {
        XCTAssertEqual(refusal("/a%C3"), .invalidPathEncoding)
        XCTAssertEqual(refusal("/%FF"), .invalidPathEncoding)
    }

    func testPathErrorsAnswer400() {
        if case .failure(let error) = HTTPPathNormalizer.normalize("/a%2Fb") {
            XCTAssertEqual(error.status, 400)
        } else {
            XCTFail("accepted an encoded slash")
        }
    }

    func testFastPathAgreesWithTheGeneralCase() {
        let pieces = ["a", ".", "..", "", "...", ".a", "a.", "b..", "%41", "x"]
        var checked = 0
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for trailing in ["", "/"] {
                        let path = Substring("/\(a)/\(b)/\(c)\(trailing)")
                        guard HTTPPathNormalizer.isAlreadyNormal(path) else { continue }
                        checked += 1
                        XCTAssertEqual(try? HTTPPathNormalizer.decodeAndResolve(path).get(), String(path), String(path))
                    }
                }
            }
        }
        XCTAssertGreaterThan(checked, 100)
        XCTAssertFalse(HTTPPathNormalizer.isAlreadyNormal("/a/./b"))
        XCTAssertFalse(HTTPPathNormalizer.isAlreadyNormal("/a/.."))
        XCTAssertFalse(HTTPPathNormalizer.isAlreadyNormal("/a//b"))
        XCTAssertTrue(HTTPPathNormalizer.isAlreadyNormal("/api/part/12/"))
    }
}
