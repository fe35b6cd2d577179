import Glibc
import FoundationEssentials
import XCTest
@testable import HTTP

/// A directory of real files for a test, removed at deinit.
final class StaticTestTree {
    let path: String

    init() throws {
        var template = Array("/tmp/stockroom-files-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        path = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `contents` to `relative` (creating directories), with modification time `mtime` if given.
    @discardableResult
    func write(_ relative: String, _ contents: String, mtime: Int64? = nil) throws -> String {
        try write(relative, Array(contents.utf8), mtime: mtime)
    }

    @discardableResult
    func write(_ relative: String, _ bytes: [UInt8], mtime: Int64? = nil) throws -> String {
        let full = path + "/" + relative
        let directory = String(full[..<(full.lastIndex(of: "/") ?? full.endIndex)])
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0, "cannot create \(full)")
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        if let mtime { setModified(relative, mtime) }
        return full
    }

    func setModified(_ relative: String, _ seconds: Int64) {
        var times = [timespec(tv_sec: Int(seconds), tv_nsec: 0), timespec(tv_sec: Int(seconds), tv_nsec: 0)]
        XCTAssertEqual(utimensat(AT_FDCWD, path + "/" + relative, &times, 0), 0)
    }

    func makeDirectory(_ relative: String) throws {
        try FileManager.default.createDirectory(atPath: path + "/" + relative, withIntermediateDirectories: true)
    }

    func symlink(_ relative: String, to target: String) {
        XCTAssertEqual(Glibc.symlink(target, path + "/" + relative), 0)
    }
}

/// Reads `length` bytes at `offset` of an open file.
func readRegion(_ file: OpenFile, offset: Int64, length: Int64) -> String {
    var buffer = [UInt8](repeating: 0, count: Int(length))
    let count = buffer.withUnsafeMutableBytes { pread(file.fd, $0.baseAddress, Int(length), off_t(offset)) }
    return String(decoding: buffer.prefix(max(0, count)), as: UTF8.self)
}
