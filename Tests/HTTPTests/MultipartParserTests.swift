import Glibc
import XCTest
@testable import HTTP

final class MultipartParserTests: XCTestCase {
    let boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW"

    func body(fileContent: [UInt8]) -> [UInt8] {
        var out = Array("preamble to ignore\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nWidget \r\n--x\r\n".utf8)
        out += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a \\\"b\\\".png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
        out += fileContent
        out += Array("\r\n--\(boundary)  \r\nContent-Disposition: form-data; name=\"empty\"\r\n\r\n\r\n--\(boundary)--\r\nepilogue".utf8)
        return out
    }

    func parse(_ bytes: [UInt8], pieceSize: Int, directory: String) throws -> MultipartFormData {
        var parser = MultipartParser(boundary: boundary, temporaryDirectory: directory)
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let end = min(offset + pieceSize, raw.count)
                try parser.feed(UnsafeRawBufferPointer(rebasing: raw[offset..<end]))
                offset = end
            }
        }
        return try parser.finish()
    }

    func testFieldsAndFilesAreParsedInAnySplit() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fileContent = (0..<5000).map { UInt8(truncatingIfNeeded: $0 * 7) } + Array("\r\n--\(boundary.dropLast())".utf8)
        let bytes = body(fileContent: fileContent)
        for pieceSize in [1, 2, 3, 7, 64, 1000, bytes.count] {
            let form = try parse(bytes, pieceSize: pieceSize, directory: directory.path)
            XCTAssertEqual(form.parts.count, 3, "piece size \(pieceSize)")
            XCTAssertEqual(form.field("name"), "Widget \r\n--x")
            XCTAssertEqual(form.field("empty"), "")
            guard let file = form.file("image"), case .file(let path, let length) = file.content else {
                return XCTFail("no file part")
            }
            XCTAssertEqual(file.filename, "a \"b\".png")
            XCTAssertEqual(file.contentType, "image/png")
            XCTAssertEqual(length, fileContent.count)
            XCTAssertEqual(readFile(path), fileContent)
            XCTAssertTrue(path.hasPrefix(directory.path + "/"))
            form.removeFiles()
        }
        XCTAssertEqual(directory.files(), [])
    }

    func testBodyFromTemporaryFileIsParsed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let bytes = body(fileContent: Array(repeating: 0x41, count: 200_000))
        let bodyPath = directory.path + "/body"
        let fd = open(bodyPath, O_WRONLY | O_CREAT, 0o600)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        let form = try MultipartParser.parse(.file(path: bodyPath, length: bytes.count),
                                             contentType: "multipart/form-data; boundary=\"\(boundary)\"",
                                             temporaryDirectory: directory.path)
        guard case .file(_, let length)? = form.file("image")?.content else { return XCTFail("no file") }
        XCTAssertEqual(length, 200_000)
        form.removeFiles()
    }

    func testMissingCloseDelimiterIsRefusedAndFilesRemoved() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var bytes = body(fileContent: Array("data".utf8))
        bytes.removeLast(("--\r\nepilogue".utf8.count + boundary.utf8.count + 4))
        XCTAssertThrowsError(try parse(bytes, pieceSize: 10, directory: directory.path)) { error in
            XCTAssertEqual(error as? MultipartError, .missingCloseDelimiter)
        }
        XCTAssertEqual(directory.files(), [])
    }

    func testPartWithoutDispositionIsRefused() throws {
        let bytes = Array("--\(boundary)\r\nContent-Type: text/plain\r\n\r\nx\r\n--\(boundary)--".utf8)
        XCTAssertThrowsError(try parse(bytes, pieceSize: 5, directory: "/tmp")) { error in
            guard case .malformedPartHeaders? = error as? MultipartError else { return XCTFail("\(error)") }
        }
    }

    func testGarbageAfterBoundaryIsRefused() throws {
        let bytes = Array("--\(boundary)xyz\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--\(boundary)--".utf8)
        XCTAssertThrowsError(try parse(bytes, pieceSize: 3, directory: "/tmp")) { error in
            guard case .malformedDelimiter? = error as? MultipartError else { return XCTFail("\(error)") }
        }
    }

    func testOversizedFieldIsRefused() throws {
        let bytes = Array("--\(boundary)\r\nContent-Disposition: form-data; name=big\r\n\r\n\(String(repeating: "x", count: 100))\r\n--\(boundary)--".utf8)
        var parser = MultipartParser(boundary: boundary, temporaryDirectory: "/tmp", maxFieldBytes: 50)
        XCTAssertThrowsError(try bytes.withUnsafeBytes { try parser.feed($0) }) { error in
            XCTAssertEqual(error as? MultipartError, .fieldTooLarge(name: "big"))
        }
    }

    func testBoundaryIsReadFromContentType() {
        XCTAssertEqual(MultipartParser.boundary(fromContentType: "multipart/form-data; boundary=abc"), "abc")
        XCTAssertEqual(MultipartParser.boundary(fromContentType: "Multipart/Form-Data;charset=utf-8; BOUNDARY=\"a b\""), "a b")
        XCTAssertNil(MultipartParser.boundary(fromContentType: "application/json"))
        XCTAssertNil(MultipartParser.boundary(fromContentType: "multipart/form-data"))
    }
}
