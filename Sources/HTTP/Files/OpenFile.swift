import Glibc

/// An open file descriptor that is closed when the last holder lets go of it, so a cached file can be
/// replaced while responses still being sent keep their descriptor alive.
public final class OpenFile: @unchecked Sendable {
    /// The descriptor; valid for as long as this object lives. Never close it yourself.
    public let fd: Int32

    /// Takes ownership of `fd`.
    public init(adopting fd: Int32) { self.fd = fd }

    deinit { close(fd) }
}

/// The parts of `stat` that the static file responder uses.
public struct FileStat: Equatable, Sendable {
    public var size: Int64
    public var modifiedSeconds: Int64
    public var modifiedNanoseconds: Int64
    public var inode: UInt64
    public var device: UInt64
    public var isRegularFile: Bool
    public var isDirectory: Bool

    /// Reads the stat of an open descriptor; nil if `fstat` fails.
    public init?(fd: Int32) {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        size = Int64(st.st_size)
        modifiedSeconds = Int64(st.st_mtim.tv_sec)
        modifiedNanoseconds = Int64(st.st_mtim.tv_nsec)
        inode = UInt64(st.st_ino)
        device = UInt64(st.st_dev)
        isRegularFile = (st.st_mode & S_IFMT) == S_IFREG
        isDirectory = (st.st_mode & S_IFMT) == S_IFDIR
    }
}
