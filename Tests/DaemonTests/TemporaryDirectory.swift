import Glibc

/// A directory under /tmp, removed with its files when released.
final class TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/daemon-tests-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        path = created.map { String(cString: $0) } ?? "/tmp"
    }

    deinit {
        if path != "/tmp" { _ = system("rm -rf '\(path)'") }
    }

    /// Writes `text` to `name` in the directory and returns the file's path.
    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let file = path + "/" + name
        let handle = fopen(file, "w")
        if let handle {
            fputs(text, handle)
            fclose(handle)
        }
        return file
    }
}
