import XCTest
@testable import HTTP

final class UpstreamRequestWriterTests: XCTestCase {
    private func drain(_ writer: inout UpstreamRequestWriter, step: Int) -> (bytes: [UInt8], file: [(Int64, Int64)]) {
        var bytes: [UInt8] = []
        var file: [(Int64, Int64)] = []
        while let segment = writer.next {
            switch segment {
            case .bytes(let slice):
                let count = min(step, slice.count)
                bytes += slice.prefix(count)
                writer.wrote(count)
            case .file(_, let offset, let length):
                let count = min(Int64(step), length)
                file.append((offset, count))
                writer.wrote(Int(count))
            }
        }
        return (bytes, file)
    }

    func testHeadAndBytesBodyAreWrittenInAnySteps() throws {
        for step in [1, 3, 1000] {
            var writer = try UpstreamRequestWriter(method: "POST", target: "/api/part/?q=1", headers: [("Host", "h")],
                                                   body: .bytes(Array("abc".utf8)))
            let written = drain(&writer, step: step)
            XCTAssertEqual(String(decoding: written.bytes, as: UTF8.self),
                           "POST /api/part/?q=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc")
            XCTAssertTrue(written.file.isEmpty)
        }
    }

    func testFileBodyIsWrittenAsRegionsAfterTheHead() throws {
        var writer = try UpstreamRequestWriter(method: "PUT", target: "/upload", headers: [], body: .file(fd: 7, offset: 10, length: 25))
        let written = drain(&writer, step: 10)
        XCTAssertEqual(String(decoding: written.bytes, as: UTF8.self), "PUT /upload HTTP/1.1\r\nContent-Length: 25\r\n\r\n")
        XCTAssertEqual(written.file.map(\.0), [10, 20, 30])
        XCTAssertEqual(written.file.map(\.1), [10, 10, 5])
    }

    func testEmptyBodies() throws {
        var get = try UpstreamRequestWriter(method: "GET", target: "/", headers: [], body: .none)
        XCTAssertEqual(String(decoding: drain(&get, step: 100).bytes, as: UTF8.self), "GET / HTTP/1.1\r\n\r\n")
        var post = try UpstreamRequestWriter(method: "POST", target: "/", headers: [], body: .none)
        XCTAssertEqual(String(decoding: drain(&post, step: 100).bytes, as: UTF8.self), "POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
    }

    func testFieldsThatWouldSplitTheRequestAreRefused() {
        XCTAssertThrowsError(try UpstreamRequestWriter(method: "GET", target: "/", headers: [("X", "a\r\nY: b")], body: .none))
        XCTAssertThrowsError(try UpstreamRequestWriter(method: "GET", target: "/", headers: [("X", "a\nb")], body: .none))
        XCTAssertThrowsError(try UpstreamRequestWriter(method: "GET", target: "/", headers: [("X", "a\u{0}")], body: .none))
        XCTAssertThrowsError(try UpstreamRequestWriter(method: "GET", target: "/", headers: [("Bad Name", "a")], body: .none))
        XCTAssertThrowsError(try UpstreamRequestWriter(method: "GET", target: "/a b", headers: [], body: .none))
        XCTAssertThrowsError(try UpstreamRequestWriter(method: "GET", target: "http://x/", headers: [], body: .none))
        XCTAssertThrowsError(try UpstreamRequestWriter(method: "G T", target: "/", headers: [], body: .none))
    }

    func testForwardedHeaders() {
        let incoming: [(String, String)] = [("host", "a.example"), ("connection", "close"), ("x-forwarded-for", "1.1.1.1"),
                                            ("transfer-encoding", "chunked"), ("accept", "*/*"), ("expect", "100-continue")]
        let replaced = ForwardedHeaders.forRequest(incoming, clientAddress: "9.9.9.9", scheme: "http", trustIncomingForwardedFor: false)
        XCTAssertEqual(replaced.map { "\($0.0): \($0.1)" }, [
            "host: a.example", "accept: */*", "X-Forwarded-For: 9.9.9.9", "X-Forwarded-Proto: http", "X-Forwarded-Host: a.example",
        ])
        let appended = ForwardedHeaders.forRequest(incoming, clientAddress: "9.9.9.9", scheme: "http", trustIncomingForwardedFor: true)
        XCTAssertTrue(appended.contains { $0.0 == "X-Forwarded-For" && $0.1 == "1.1.1.1, 9.9.9.9" })
    }
}
