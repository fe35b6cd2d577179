import Glibc
import XCTest
@testable import HTTP

/// The fuzzer's seed corpus (and any crash input saved beside it) parsed whole and in every split:
/// a crash the fuzzer finds is added to fuzz/corpus and stays a regression test here.
final class ParserCorpusTests: XCTestCase {
    func testEveryCorpusInputParsesTheSameInEverySplit() throws {
        let testFile = "\(#filePath)"
        guard let range = testFile.firstRange(of: "/Tests/HTTPTests/") else { return XCTFail("unexpected test path \(testFile)") }
        let corpus = String(testFile[..<range.lowerBound]) + "/fuzz/corpus"
        guard let dir = opendir(corpus) else { return XCTFail("cannot open \(corpus)") }
        defer { closedir(dir) }
        var count = 0
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name.hasPrefix(".") { continue }
            guard let bytes = readFile(corpus + "/" + name) else { return XCTFail("cannot read \(name)") }
            _ = parse(bytes: bytes)
            count += 1
        }
        XCTAssertGreaterThanOrEqual(count, 9)
    }

    func testSmugglingSeedIsRefused() {
        let outcome = parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        XCTAssertEqual(outcome.error?.kind, .contentLengthWithTransferEncoding)
    }
}
