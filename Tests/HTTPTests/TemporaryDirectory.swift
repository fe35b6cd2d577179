import Glibc
import XCTest

/// A fresh directory under /tmp, removed with its contents by `remove()`.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/stockroom-http-test-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw TestSystemError(errno: errno, what: "mkdtemp")
        }
        path = String(cString: template)
    }

    /// Names of the files in the directory.
    func files() -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    func remove() {
        for name in files() { unlink(path + "/" + name) }
        rmdir(path)
    }
}

struct TestSystemError: Error, CustomStringConvertible {
    let errno: Int32
    let what: String
    var description: String { "\(what) failed: \(String(cString: strerror(errno)))" }
}

func readFile(_ path: String) -> [UInt8]? {
    HTTPRequestBodyReader.read(path)
}

enum HTTPRequestBodyReader {
    static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            out.append(contentsOf: buffer[0..<n])
        }
        return out
    }
}
