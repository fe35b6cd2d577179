import Glibc
import XCTest
@testable import HTTP

final class StaticFileResponderTests: XCTestCase {
    private var tree: StaticTestTree!
    private let mtime: Int64 = 1_700_000_000
    private let body = "0123456789abcdefghij"

    override func setUpWithError() throws {
        tree = try StaticTestTree()
        try tree.write("root/app.js", body, mtime: mtime)
        try tree.write("root/app.js.br", "BR", mtime: mtime + 1)
        try tree.write("root/app.js.gz", "GZIP", mtime: mtime + 1)
        try tree.write("root/old.css", "body{}", mtime: mtime)
        try tree.write("root/old.css.gz", "stale", mtime: mtime - 10)
        try tree.write("root/app.0123abcd.js", "hashed", mtime: mtime)
        try tree.write("root/docs/index.html", "<p>docs</p>", mtime: mtime)
    }

    private func responder(cache: FileMetadataCache? = nil, index: String? = nil,
                           inMemoryFileBytes: Int = StaticFileRoute.defaultInMemoryFileBytes) throws -> StaticFileResponder {
        var route = StaticFileRoute(prefix: "/static/", root: tree.path + "/root", indexFile: index,
                                    cacheControl: CacheControlPolicy(standard: "no-cache"))
        route.inMemoryFileBytes = inMemoryFileBytes
        return try StaticFileResponder(route: route, cache: cache)
    }

    private func get(_ path: String, _ headers: [String: String] = [:], method: String = "GET",
                     using responder: StaticFileResponder? = nil, now: Double = 0) throws -> StaticFileResponse {
        try (responder ?? self.responder()).respond(method: method, rawPath: path, header: { headers[$0] }, now: now)
    }

    private func bodyText(_ response: StaticFileResponse) -> String? {
        switch response.body {
        case .none: return nil
        case .bytes(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .file(let file, let offset, let length): return readRegion(file, offset: offset, length: length)
        }
    }

    func testFullResponseHeaders() throws {
        let response = try get("/static/app.js")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(bodyText(response), body)
        XCTAssertEqual(response.header("Content-Type"), "text/javascript; charset=utf-8")
        XCTAssertEqual(response.header("Content-Length"), "20")
        XCTAssertEqual(response.header("ETag"), "\"6553f100-14\"")
        XCTAssertEqual(response.header("Last-Modified"), "Tue, 14 Nov 2023 22:13:20 GMT")
        XCTAssertEqual(response.header("Cache-Control"), "no-cache")
        XCTAssertEqual(response.header("Accept-Ranges"), "bytes")
        XCTAssertEqual(response.header("Vary"), "Accept-Encoding", "siblings exist, so caches must key on it")
        XCTAssertNil(response.header("Content-Encoding"))
    }

    /// A request's own header fields give the answers a lookup by name gives: names in any case,
    /// repeated list fields combined, fields that cannot matter ignored.
    func testARequestsHeaderFieldsAreReadAsByName() throws {
        let responder = try self.responder()
        func answer(_ fields: [(String, String)], method: String = "GET") -> StaticFileResponse {
            responder.respond(method: method, rawPath: "/static/app.js", headers: HTTPHeaders(fields), now: 0)
        }
        let etag = "\"6553f100-14\""
        XCTAssertEqual(answer([("Host", "h")]).status, 200)
        XCTAssertEqual(answer([("IF-NONE-MATCH", etag)]).status, 304)
        XCTAssertEqual(answer([("If-None-Match", "\"other\""), ("if-none-match", etag)]).status, 304, "repeated fields are one list")
        XCTAssertEqual(answer([("If-None-Match", "\"other\"")]).status, 200)
        XCTAssertEqual(answer([("if-match", "\"other\"")]).status, 412)
        XCTAssertEqual(answer([("Range", "bytes=0-3")]).status, 206)
        XCTAssertEqual(answer([("Range", "bytes=0-3")], method: "HEAD").status, 200, "HEAD ignores Range")
        XCTAssertEqual(answer([("Range", "bytes=0-3"), ("If-Range", "\"other\"")]).status, 200)
        XCTAssertEqual(answer([("Accept-Encoding", "gzip")]).header("Content-Encoding"), "gzip")
        XCTAssertEqual(answer([("If-Modified-Since", "Tue, 14 Nov 2023 22:13:20 GMT")]).status, 304)
        XCTAssertEqual(answer([("If-None-Match", "\"other\""), ("If-Modified-Since", "Tue, 14 Nov 2023 22:13:20 GMT")]).status, 200,
                       "If-Modified-Since is ignored beside If-None-Match")
    }

    func testHeadHasTheSameHeadersAndNoBody() throws {
        let get = try self.get("/static/app.js")
        let head = try self.get("/static/app.js", method: "HEAD")
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.headers.map { "\($0.0): \($0.1)" }, get.headers.map { "\($0.0): \($0.1)" })
        guard case .none = head.body else { return XCTFail("HEAD has a body") }
        let missing = try self.get("/static/missing.js", method: "HEAD")
        XCTAssertEqual(missing.status, 404)
        guard case .none = missing.body else { return XCTFail("HEAD 404 has a body") }
    }

    func testOtherMethodsAre405() throws {
        let response = try get("/static/app.js", method: "POST")
        XCTAssertEqual(response.status, 405)
        XCTAssertEqual(response.header("Allow"), "GET, HEAD")
    }

    func testConditionalGet() throws {
        let etag = try XCTUnwrap(get("/static/app.js").header("ETag"))
        let notModified = try get("/static/app.js", ["if-none-match": "\"x\", " + etag])
        XCTAssertEqual(notModified.status, 304)
        XCTAssertEqual(notModified.header("ETag"), etag)
        XCTAssertEqual(notModified.header("Cache-Control"), "no-cache")
        XCTAssertNil(notModified.header("Content-Length"))
        guard case .none = notModified.body else { return XCTFail("304 has a body") }
        XCTAssertEqual(try get("/static/app.js", ["if-modified-since": "Tue, 14 Nov 2023 22:13:20 GMT"]).status, 304)
        XCTAssertEqual(try get("/static/app.js", ["if-modified-since": "Tue, 14 Nov 2023 22:13:19 GMT"]).status, 200)
        XCTAssertEqual(try get("/static/app.js", ["if-none-match": "\"other\"",
                                                  "if-modified-since": "Tue, 14 Nov 2023 22:13:20 GMT"]).status, 200)
        XCTAssertEqual(try get("/static/app.js", ["if-match": "\"other\""]).status, 412)
    }

    func testRanges() throws {
        let partial = try get("/static/app.js", ["range": "bytes=2-5"])
        XCTAssertEqual(partial.status, 206)
        XCTAssertEqual(partial.header("Content-Range"), "bytes 2-5/20")
        XCTAssertEqual(partial.header("Content-Length"), "4")
        XCTAssertEqual(bodyText(partial), "2345")
        XCTAssertEqual(bodyText(try get("/static/app.js", ["range": "bytes=-3"])), "hij")
        XCTAssertEqual(bodyText(try get("/static/app.js", ["range": "bytes=18-"])), "ij")
        let unsatisfiable = try get("/static/app.js", ["range": "bytes=20-"])
        XCTAssertEqual(unsatisfiable.status, 416)
        XCTAssertEqual(unsatisfiable.header("Content-Range"), "bytes */20")
        let multiple = try get("/static/app.js", ["range": "bytes=0-1,4-5"])
        XCTAssertEqual(multiple.status, 200)
        XCTAssertEqual(bodyText(multiple), body)
        let etag = try XCTUnwrap(get("/static/app.js").header("ETag"))
        XCTAssertEqual(try get("/static/app.js", ["range": "bytes=0-1", "if-range": etag]).status, 206)
        XCTAssertEqual(try get("/static/app.js", ["range": "bytes=0-1", "if-range": "\"stale\""]).status, 200)
        XCTAssertEqual(try get("/static/app.js", ["range": "bytes=0-1"], method: "HEAD").status, 200)
    }

    func testPrecompressedSiblings() throws {
        let brotli = try get("/static/app.js", ["accept-encoding": "gzip, br"])
        XCTAssertEqual(brotli.header("Content-Encoding"), "br")
        XCTAssertEqual(bodyText(brotli), "BR")
        XCTAssertEqual(brotli.header("Content-Length"), "2")
        XCTAssertEqual(brotli.header("Content-Type"), "text/javascript; charset=utf-8")
        XCTAssertEqual(brotli.header("Vary"), "Accept-Encoding")
        let gzip = try get("/static/app.js", ["accept-encoding": "gzip, br;q=0"])
        XCTAssertEqual(gzip.header("Content-Encoding"), "gzip")
        XCTAssertEqual(bodyText(gzip), "GZIP")
        let identity = try get("/static/app.js", ["accept-encoding": "br;q=0, gzip;q=0"])
        XCTAssertNil(identity.header("Content-Encoding"))
        let etags = Set([brotli, gzip, identity].compactMap { $0.header("ETag") })
        XCTAssertEqual(etags.count, 3, "each encoding has its own ETag: \(etags)")
        XCTAssertEqual(try get("/static/app.js", ["accept-encoding": "br", "if-none-match": brotli.header("ETag")!]).status, 304)
        XCTAssertEqual(try get("/static/app.js", ["accept-encoding": "gzip", "if-none-match": brotli.header("ETag")!]).status, 200)
    }

    func testSiblingOlderThanTheOriginalIsIgnored() throws {
        let response = try get("/static/old.css", ["accept-encoding": "gzip"])
        XCTAssertNil(response.header("Content-Encoding"))
        XCTAssertEqual(bodyText(response), "body{}")
        XCTAssertNil(response.header("Vary"))
    }

    func testFingerprintedAssetsAreImmutable() throws {
        XCTAssertEqual(try get("/static/app.0123abcd.js").header("Cache-Control"), "public, max-age=31536000, immutable")
    }

    func testRefusals() throws {
        XCTAssertEqual(try get("/static/missing.js").status, 404)
        XCTAssertEqual(try get("/static/docs/").status, 404)
        XCTAssertEqual(try get("/static/docs/", using: responder(index: "index.html")).status, 200)
        let traversal = try get("/static/..%2f..%2fetc/passwd")
        XCTAssertEqual(traversal.status, 400)
        XCTAssertEqual(bodyText(traversal), "bad path: encoded slash (%2F) in the path\n")
        XCTAssertEqual(try get("/static/../etc/passwd").status, 400)
        XCTAssertEqual(try get("/static/%2e%2e/etc/passwd").status, 400)
        XCTAssertEqual(try get("/static/app.js%00.png").status, 400)
        XCTAssertEqual(try get("/static/.hidden").status, 403)
    }

    func testSymlinkOutOfTheRootIsForbidden() throws {
        let outside = try StaticTestTree()
        try outside.write("passwd", "root:x:0:0")
        tree.symlink("root/passwd", to: outside.path + "/passwd")
        let response = try get("/static/passwd")
        XCTAssertEqual(response.status, 403)
        XCTAssertEqual(response.refusal, .forbidden)
    }

    func testCacheServesWithoutReopeningUntilRevalidation() throws {
        let cache = FileMetadataCache(revalidateAfter: 1)
        let responder = try responder(cache: cache, inMemoryFileBytes: 0)
        let first = try get("/static/app.js", using: responder, now: 100)
        // Deployments replace files by rename, so the open descriptor keeps the old contents.
        try tree.write("root/app.js.new", "replaced!", mtime: mtime + 100)
        XCTAssertEqual(rename(tree.path + "/root/app.js.new", tree.path + "/root/app.js"), 0)
        let cached = try get("/static/app.js", using: responder, now: 100.5)
        XCTAssertEqual(cached.header("ETag"), first.header("ETag"), "within a second the cached entry is used")
        guard case .file(let file1, _, _) = first.body, case .file(let file2, _, _) = cached.body else {
            return XCTFail("no file bodies")
        }
        XCTAssertTrue(file1 === file2, "the same open descriptor is reused")
        let revalidated = try get("/static/app.js", using: responder, now: 101.5)
        XCTAssertNotEqual(revalidated.header("ETag"), first.header("ETag"))
        XCTAssertEqual(bodyText(revalidated), "replaced!")
        XCTAssertEqual(bodyText(first), body, "a response in flight keeps reading the file it opened")
        unlink(tree.path + "/root/app.js")
        XCTAssertEqual(try get("/static/app.js", using: responder, now: 103).status, 404)
        XCTAssertEqual(cache.count, 0, "refusals are not cached and drop the stale entry")
    }

    func testSmallFilesAreSentFromMemoryAndLargerOnesWithSendfile() throws {
        try tree.write("root/large.bin", String(repeating: "x", count: 20_000), mtime: mtime)
        let responder = try responder(cache: FileMetadataCache(), inMemoryFileBytes: 16 * 1024)
        let small = try get("/static/app.js", using: responder)
        guard case .bytes(let bytes) = small.body else { return XCTFail("a 20-byte file is not sent from memory: \(small.body)") }
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), body)
        XCTAssertEqual(small.header("Content-Length"), "20")
        let large = try get("/static/large.bin", using: responder)
        guard case .file(_, 0, 20_000) = large.body else { return XCTFail("a 20,000-byte file is not sent with sendfile: \(large.body)") }
        let partial = try get("/static/app.js", ["range": "bytes=2-5"], using: responder)
        XCTAssertEqual(partial.status, 206)
        XCTAssertEqual(bodyText(partial), "2345")
        XCTAssertEqual(try get("/static/app.js", method: "HEAD", using: responder).header("Content-Length"), "20")
    }

    func testCacheIsBoundedAndSafeAcrossThreads() throws {
        let cache = FileMetadataCache(revalidateAfter: 0.001, capacity: 32, shardCount: 4)
        for index in 0..<100 { try tree.write("root/many/\(index).txt", "file \(index)") }
        let responder = try responder(cache: cache)
        let failures = ConcurrentFailureCounter()
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for round in 0..<400 {
                let index = (round * 7 + worker) % 100
                let response = responder.respond(method: "GET", rawPath: "/static/many/\(index).txt",
                                                  header: { _ in nil }, now: Double(round) * 0.0005)
                if response.status != 200 || bodyText(response) != "file \(index)" { failures.increment() }
            }
        }
        XCTAssertEqual(failures.value, 0)
        XCTAssertLessThanOrEqual(cache.count, 32)
    }
}

import Dispatch
import Synchronization

final class ConcurrentFailureCounter: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
