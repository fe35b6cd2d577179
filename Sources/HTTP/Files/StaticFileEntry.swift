import Glibc

/// One servable representation of a file: the file itself or a precompressed sibling. A class, as
/// is `StaticFileEntry`: a cached entry is then handed out with one reference, not a copy of every field.
public final class FileVariant: Sendable {
    public let file: OpenFile
    public let stat: FileStat
    public let etag: String
    /// IMF-fixdate of the modification time.
    public let lastModified: String
    /// The whole file, read when the entry was loaded, if it is small (see `StaticFileRoute.inMemoryFileBytes`):
    /// head and body then leave in one `send`, where `sendfile` would cost a second call and packet.
    public let contents: [UInt8]?
    /// The header fields of a 200 for the whole variant, built once when the entry is loaded.
    public let fullHeaders: HTTPHeaders
    /// The header fields of a 304 for the variant (validators and caching, no representation fields).
    public let notModifiedHeaders: HTTPHeaders

    init(file: OpenFile, stat: FileStat, etag: String, lastModified: String, contentType: String,
         coding: ContentCoding?, cacheControl: String, varies: Bool, inMemoryLimit: Int) {
        self.file = file
        self.stat = stat
        contents = stat.size <= Int64(inMemoryLimit) ? Self.read(file, size: Int(stat.size)) : nil
        self.etag = etag
        self.lastModified = lastModified
        var validators = HTTPHeaders()
        validators.add(name: "ETag", value: etag)
        validators.add(name: "Last-Modified", value: lastModified)
        validators.add(name: "Cache-Control", value: cacheControl)
        if varies { validators.add(name: "Vary", value: "Accept-Encoding") }
        var notModified = validators
        HTTPResponseHead.prepare(&notModified)
        notModifiedHeaders = notModified
        var full = HTTPHeaders()
        full.add(name: "Content-Type", value: contentType)
        if let coding { full.add(name: "Content-Encoding", value: coding.rawValue) }
        full.add(name: "Content-Length", value: String(stat.size))
        for field in validators { full.add(name: field.name, value: field.value) }
        full.add(name: "Accept-Ranges", value: "bytes")
        HTTPResponseHead.prepare(&full)
        fullHeaders = full
    }

    /// All `size` bytes of `file`, or nil if they cannot all be read (it changed meanwhile: `sendfile` then).
    private static func read(_ file: OpenFile, size: Int) -> [UInt8]? {
        guard size > 0 else { return [] }
        var complete = true
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            while count < size {
                let n = pread(file.fd, buffer.baseAddress! + count, size - count, off_t(count))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { complete = false; break }
                count += n
            }
        }
        return complete ? bytes : nil
    }
}

/// Everything the responder needs to answer for one path, without touching the file system.
public final class StaticFileEntry: Sendable {
    /// The path, relative to the root, of the file opened (the index file for a directory).
    public let relativePath: String
    public let contentType: String
    /// The route's `Cache-Control` for this file.
    public let cacheControl: String
    public let identity: FileVariant
    /// Siblings (`file.br`, `file.gz`) that exist and are not older than the file, in preference order.
    public let precompressed: [(coding: ContentCoding, variant: FileVariant)]

    init(relativePath: String, contentType: String, cacheControl: String, identity: FileVariant,
         precompressed: [(coding: ContentCoding, variant: FileVariant)]) {
        self.relativePath = relativePath
        self.contentType = contentType
        self.cacheControl = cacheControl
        self.identity = identity
        self.precompressed = precompressed
    }

    /// Opens the file at `relativePath` and, if `withSiblings`, its precompressed siblings.
    public static func load(_ relativePath: String, resolver: StaticFileResolver, withSiblings: Bool,
                            cachePolicy: CacheControlPolicy,
                            inMemoryLimit: Int = StaticFileRoute.defaultInMemoryFileBytes) -> Result<StaticFileEntry, StaticFileRefusal> {
        let resolved: ResolvedFile
        switch resolver.open(relativePath: relativePath) {
        case .success(let file): resolved = file
        case .failure(let refusal): return .failure(refusal)
        }
        var found: [(coding: ContentCoding, file: ResolvedFile)] = []
        if withSiblings {
            for coding in ContentCoding.allCases {
                guard case .success(let sibling) = resolver.open(relativePath: resolved.relativePath + coding.fileSuffix),
                      !isOlder(sibling.stat, than: resolved.stat) else { continue }
                found.append((coding, sibling))
            }
        }
        let contentType = ContentTypes.contentType(forFileName: resolved.relativePath)
        let cacheControl = cachePolicy.value(forPath: resolved.relativePath)
        let varies = !found.isEmpty
        func variant(_ file: ResolvedFile, coding: ContentCoding?) -> FileVariant {
            FileVariant(file: file.file, stat: file.stat, etag: EntityTag.make(for: file.stat, coding: coding?.rawValue),
                        lastModified: HTTPDateFormat.format(secondsSinceEpoch: file.stat.modifiedSeconds),
                        contentType: contentType, coding: coding, cacheControl: cacheControl, varies: varies,
                        inMemoryLimit: inMemoryLimit)
        }
        return .success(StaticFileEntry(
            relativePath: resolved.relativePath,
            contentType: contentType,
            cacheControl: cacheControl,
            identity: variant(resolved, coding: nil),
            precompressed: found.map { ($0.coding, variant($0.file, coding: $0.coding)) }))
    }

    /// The variant for `coding`, if a sibling for it exists.
    public func variant(for coding: ContentCoding) -> FileVariant? {
        precompressed.first { $0.coding == coding }?.variant
    }

    private static func isOlder(_ sibling: FileStat, than original: FileStat) -> Bool {
        (sibling.modifiedSeconds, sibling.modifiedNanoseconds) < (original.modifiedSeconds, original.modifiedNanoseconds)
    }
}
