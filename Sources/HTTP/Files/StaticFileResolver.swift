import Glibc

/// An open, regular file found under a static root.
public struct ResolvedFile: Sendable {
    public let file: OpenFile
    public let stat: FileStat
    /// The path relative to the root of the file actually opened (the index file for a directory).
    public let relativePath: String
}

/// Opens files beneath a root directory with no way out of it.
///
/// The root is opened once. Paths are resolved with `openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)`
/// (Linux 5.6+): the kernel refuses `..` and absolute or symbolic links that would leave the root,
/// while symlinks that stay inside it work. Where openat2 is unavailable (ENOSYS, or EPERM from a
/// seccomp filter) the path is walked one component at a time with `openat(O_NOFOLLOW)`, which
/// refuses every symlink, inside the root or not: stricter, never looser.
public final class StaticFileResolver: @unchecked Sendable {
    /// How paths are resolved.
    public enum Strategy: Sendable { case openat2, componentWalk }

    public let rootPath: String
    public let indexFile: String?
    public let strategy: Strategy
    private let rootFD: Int32

    /// Opens `root`; `strategy` nil probes openat2 once and falls back to the component walk.
    public init(root: String, indexFile: String? = nil, strategy: Strategy? = nil) throws {
        let fd = Glibc.open(root, openPathOnly | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw StaticFileRefusal.failed("cannot open static root \(root): \(String(cString: strerror(errno)))")
        }
        rootPath = root
        rootFD = fd
        self.indexFile = indexFile
        if let strategy {
            self.strategy = strategy
        } else {
            let probe = openat2(fd, ".", flags: openPathOnly | O_CLOEXEC, resolve: Openat2Resolve.beneath)
            if probe >= 0 { close(probe) }
            self.strategy = probe >= 0 ? .openat2 : .componentWalk
        }
    }

    deinit { close(rootFD) }

    /// Opens the regular file at `relativePath` (as given by `StaticPathDecoder`).
    public func open(relativePath: String) -> Result<ResolvedFile, StaticFileRefusal> {
        if relativePath.isEmpty || relativePath.hasSuffix("/") {
            return openIndex(in: relativePath)
        }
        let fd: Int32
        switch openBeneath(relativePath) {
        case .success(let opened): fd = opened
        case .failure(let refusal): return .failure(refusal)
        }
        guard let stat = FileStat(fd: fd) else {
            let message = String(cString: strerror(errno))
            close(fd)
            return .failure(.failed("fstat \(relativePath): \(message)"))
        }
        if stat.isRegularFile {
            return .success(ResolvedFile(file: OpenFile(adopting: fd), stat: stat, relativePath: relativePath))
        }
        close(fd)
        return stat.isDirectory ? openIndex(in: relativePath + "/") : .failure(.forbidden)
    }

    private func openIndex(in directory: String) -> Result<ResolvedFile, StaticFileRefusal> {
        guard let indexFile else { return .failure(.notFound) }
        let result = open(relativePath: directory + indexFile)
        if case .success(let file) = result, !file.stat.isRegularFile { return .failure(.notFound) }
        return result
    }

    private func openBeneath(_ path: String) -> Result<Int32, StaticFileRefusal> {
        // O_NONBLOCK so that a FIFO placed in the root cannot block the opening thread.
        let flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY
        switch strategy {
        case .openat2:
            let fd = openat2(rootFD, path, flags: flags, resolve: Openat2Resolve.beneath | Openat2Resolve.noMagicLinks)
            return fd >= 0 ? .success(fd) : .failure(refusal(errno, path))
        case .componentWalk:
            return walk(path, flags: flags)
        }
    }

    private func walk(_ path: String, flags: Int32) -> Result<Int32, StaticFileRefusal> {
        let components = path.split(separator: "/").map(String.init)
        var directory = rootFD
        defer { if directory != rootFD { close(directory) } }
        for (position, component) in components.enumerated() {
            if component == ".." || component == "." { return .failure(.badPath("dot segment in \(path)")) }
            let last = position == components.count - 1
            let fd = openat(directory, component, (last ? flags : openPathOnly | O_DIRECTORY | O_CLOEXEC) | O_NOFOLLOW)
            guard fd >= 0 else { return .failure(refusal(errno, path)) }
            if directory != rootFD { close(directory) }
            directory = fd
            if last {
                directory = rootFD  // hand the descriptor to the caller instead of closing it
                return .success(fd)
            }
        }
        return .failure(.notFound)
    }

    private func refusal(_ code: Int32, _ path: String) -> StaticFileRefusal {
        switch code {
        case ENOENT, ENOTDIR: return .notFound
        case EXDEV, ELOOP, EACCES, EPERM, ENXIO: return .forbidden
        case ENAMETOOLONG: return .badPath("path too long")
        default: return .failed("open \(path): \(String(cString: strerror(code)))")
        }
    }
}
