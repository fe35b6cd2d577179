import XCTest
@testable import HTTP

final class NegotiationTests: XCTestCase {
    func testAcceptEncodingPicksTheBestAcceptedCoding() {
        let both: [ContentCoding] = [.br, .gzip]
        XCTAssertEqual(AcceptEncoding.preferred("gzip, deflate, br", available: both), .br)
        XCTAssertEqual(AcceptEncoding.preferred("gzip", available: both), .gzip)
        XCTAssertEqual(AcceptEncoding.preferred("br;q=0.5, gzip;q=0.8", available: both), .gzip)
        XCTAssertEqual(AcceptEncoding.preferred("br;q=0, gzip", available: both), .gzip)
        XCTAssertEqual(AcceptEncoding.preferred("br;q=0, gzip;q=0", available: both), nil)
        XCTAssertEqual(AcceptEncoding.preferred("BR ; Q=1", available: both), .br)
        XCTAssertEqual(AcceptEncoding.preferred("*", available: both), .br)
        XCTAssertEqual(AcceptEncoding.preferred("*;q=0.1, br;q=0", available: both), .gzip)
        XCTAssertEqual(AcceptEncoding.preferred("x-gzip", available: both), .gzip)
        XCTAssertEqual(AcceptEncoding.preferred("identity", available: both), nil)
        XCTAssertEqual(AcceptEncoding.preferred("", available: both), nil)
        XCTAssertEqual(AcceptEncoding.preferred(nil, available: both), nil)
        XCTAssertEqual(AcceptEncoding.preferred("br", available: [.gzip]), nil)
        XCTAssertEqual(AcceptEncoding.preferred("br;q=2", available: both), nil, "q above 1 is malformed")
        XCTAssertEqual(AcceptEncoding.preferred("br;q=abc, gzip", available: both), .gzip)
    }

    func testContentTypes() {
        XCTAssertEqual(ContentTypes.contentType(forFileName: "index.html"), "text/html; charset=utf-8")
        XCTAssertEqual(ContentTypes.contentType(forFileName: "a/b/app.3f9a1c2b.JS"), "text/javascript; charset=utf-8")
        XCTAssertEqual(ContentTypes.contentType(forFileName: "m.mjs"), "text/javascript; charset=utf-8")
        XCTAssertEqual(ContentTypes.contentType(forFileName: "site.css"), "text/css; charset=utf-8")
        XCTAssertEqual(ContentTypes.contentType(forFileName: "data.json"), "application/json")
        XCTAssertEqual(ContentTypes.contentType(forFileName: "logo.svg"), "image/svg+xml")
        XCTAssertEqual(ContentTypes.contentType(forFileName: "photo.jpeg"), "image/jpeg")
        XCTAssertEqual(ContentTypes.contentType(forFileName: "font.woff2"), "font/woff2")
        XCTAssertEqual(ContentTypes.contentType(forFileName: "module.wasm"), "application/wasm")
        XCTAssertEqual(ContentTypes.contentType(forFileName: "report.csv"), "text/csv; charset=utf-8")
        XCTAssertEqual(ContentTypes.contentType(forFileName: "README"), ContentTypes.fallback)
        XCTAssertEqual(ContentTypes.contentType(forFileName: ".profile"), ContentTypes.fallback)
        XCTAssertEqual(ContentTypes.contentType(forFileName: "thing.unknownext"), "application/octet-stream")
        for ext in ["png", "gif", "webp", "avif", "ico", "woff", "ttf", "otf", "pdf", "txt", "xml", "zip", "gz", "map"] {
            XCTAssertNotEqual(ContentTypes.contentType(forFileName: "f." + ext), ContentTypes.fallback, ext)
        }
    }

    func testFingerprintedNamesGetImmutableCaching() {
        let policy = CacheControlPolicy(standard: "no-cache")
        XCTAssertEqual(policy.value(forPath: "js/app.3f9a1c2b.js"), "public, max-age=31536000, immutable")
        XCTAssertEqual(policy.value(forPath: "vendor.0123ABCDEF.min.css"), "public, max-age=31536000, immutable")
        XCTAssertEqual(policy.value(forPath: "app.js"), "no-cache")
        XCTAssertEqual(policy.value(forPath: "app.3f9a1c2.js"), "no-cache", "7 hex digits are not a hash")
        XCTAssertEqual(policy.value(forPath: "3f9a1c2b.js"), "no-cache", "the hash must not be the whole base name")
        XCTAssertEqual(policy.value(forPath: "app.3f9a1c2g.js"), "no-cache")
        XCTAssertEqual(policy.value(forPath: "deadbeef00.d/app.js"), "no-cache", "only the file name counts")
    }
}
