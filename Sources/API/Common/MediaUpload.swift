import Glibc
import HTTP

/// Writes uploaded files into the media root under names that can neither escape it nor overwrite
/// another file: the directory is built by the server, the file name is reduced to safe characters,
/// and the file is created with O_EXCL (a random suffix when the name is taken).
enum MediaUpload {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The uploaded name reduced to `[A-Za-z0-9._-]`, without directories or leading dots, at most 100 characters.
    static func safeName(_ original: String) -> String {
        let last = original.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var name = String(last.unicodeScalars.map { scalar -> Character in
            let allowed = (scalar.value >= 0x30 && scalar.value <= 0x39) || (scalar.value >= 0x41 && scalar.value <= 0x5A)
                || (scalar.value >= 0x61 && scalar.value <= 0x7A) || scalar == "." || scalar == "-" || scalar == "_"
            return allowed ? Character(scalar) : "_"
        })
        while name.hasPrefix(".") { name.removeFirst() }
        if name.count > 100 { name = String(name.suffix(100)) }
        return name.isEmpty ? "file" : name
    }

    /// The request's `multipart/form-data` body, its files spooled under the media root's `.uploads`
    /// (the caller removes them); nil for any other content type. A malformed form is a 400.
    static func form(_ request: HTTPRequest, mediaRoot: String) throws -> MultipartFormData? {
        guard let type = request.headers["Content-Type"], type.lowercased().hasPrefix("multipart/form-data") else { return nil }
        let temporary = mediaRoot + "/.uploads"
        mkdir(mediaRoot, 0o755)
        mkdir(temporary, 0o700)
        do {
            return try MultipartParser.parse(request.body, contentType: type, temporaryDirectory: temporary)
        } catch {
            throw APIError.badRequest("Multipart form parse error - \(error)")
        }
    }

    /// The form's text fields (the parts without a file name).
    static func textFields(_ form: MultipartFormData) -> [(String, JSONValue)] {
        form.parts.filter { $0.filename == nil }.map { ($0.name, .string($0.text ?? "")) }
    }

    /// Stores `part` as `<directory>/<safe name>` under `mediaRoot`; returns the path relative to the media root.
    static func store(_ part: MultipartPart, directory: String, mediaRoot: String) throws -> (path: String, size: Int) {
        try makeDirectories(mediaRoot + "/" + directory)
        let name = safeName(part.filename ?? "file")
        for attempt in 0..<20 {
            let candidate = attempt == 0 ? name : suffixed(name)
            let relative = directory + "/" + candidate
            let fd = open(mediaRoot + "/" + relative, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
            if fd < 0 {
                if errno == EEXIST { continue }
                throw Failure(description: "cannot create \(relative) in the media root: \(String(cString: strerror(errno)))")
            }
            defer { close(fd) }
            let size = try copy(part.content, to: fd)
            return (relative, size)
        }
        throw Failure(description: "no free name for \(name) in \(directory)")
    }

    private static func suffixed(_ name: String) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        let suffix = String((0..<7).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name + "_" + suffix }
        return String(name[..<dot]) + "_" + suffix + String(name[dot...])
    }

    private static func copy(_ content: MultipartPart.Content, to fd: Int32) throws -> Int {
        switch content {
        case .bytes(let bytes):
            try write(bytes[...], to: fd)
            return bytes.count
        case .file(let path, _):
            let source = open(path, O_RDONLY | O_CLOEXEC)
            guard source >= 0 else { throw Failure(description: "the uploaded file is gone") }
            defer { close(source) }
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            var total = 0
            while true {
                let n = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
                if n < 0 { throw Failure(description: "cannot read the uploaded file") }
                if n == 0 { return total }
                try write(buffer[0..<n], to: fd)
                total += n
            }
        }
    }

    private static func write(_ bytes: ArraySlice<UInt8>, to fd: Int32) throws {
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { throw Failure(description: "cannot write into the media root: \(String(cString: strerror(errno)))") }
            offset += n
        }
    }

    private static func makeDirectories(_ path: String) throws {
        var current = ""
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw Failure(description: "cannot create \(current): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// True for the raster image types shown inline (by magic number, not by name).
    static func isImage(_ content: MultipartPart.Content) -> Bool {
        var head = [UInt8](repeating: 0, count: 12)
        switch content {
        case .bytes(let bytes): head = Array(bytes.prefix(12))
        case .file(let path, _):
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return false }
            defer { close(fd) }
            let n = head.withUnsafeMutableBytes { read(fd, $0.baseAddress, 12) }
            head = Array(head.prefix(max(0, n)))
        }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return true }            // PNG
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return true }                  // JPEG
        if head.starts(with: Array("GIF8".utf8)) { return true }                  // GIF
        if head.starts(with: Array("BM".utf8)) { return true }                    // BMP
        if head.count >= 12, head.starts(with: Array("RIFF".utf8)), Array(head[8..<12]) == Array("WEBP".utf8) { return true }
        return false
    }
}
