/// One servable representation of a file: the file itself or a precompressed sibling.
public struct FileVariant: Sendable {
    public let file: OpenFile
    public let stat: FileStat
    public let etag: String
    /// IMF-fixdate of the modification time.
    public let lastModified: String
    /// The header fields of a 200 for the whole variant, built once when the entry is loaded.
    public let fullHeaders: HTTPHeaders
    /// The header fields of a 304 for the variant (validators and caching, no representation fields).
    public let notModifiedHeaders: HTTPHeaders

    init(file: OpenFile, stat: FileStat, etag: String, lastModified: String, contentType: String,
         coding: ContentCoding?, cacheControl: String, varies: Bool) {
        self.file = file
        self.stat = stat
        self.etag = etag
        self.lastModified = lastModified
        var validators = HTTPHeaders()
        validators.add(name: "ETag", value: etag)
        validators.add(name: "Last-Modified", value: lastModified)
        validators.add(name: "Cache-Control", value: cacheControl)
        if varies { validators.add(name: "Vary", value: "Accept-Encoding") }
        notModifiedHeaders = validators
        var full = HTTPHeaders()
        full.add(name: "Content-Type", value: contentType)
        if let coding { full.add(name: "Content-Encoding", value: coding.rawValue) }
        full.add(name: "Content-Length", value: String(stat.size))
        for field in validators { full.add(name: field.name, value: field.value) }
        full.add(name: "Accept-Ranges", value: "bytes")
        fullHeaders = full
    }
}

/// Everything the responder needs to answer for one path, without touching the file system.
public struct StaticFileEntry: Sendable {
    /// The path, relative to the root, of the file opened (the index file for a directory).
    public let relativePath: String
    public let contentType: String
    /// The route's `Cache-Control` for this file.
    public let cacheControl: String
    public let identity: FileVariant
    /// Siblings (`file.br`, `file.gz`) that exist and are not older than the file, in preference order.
    public let precompressed: [(coding: ContentCoding, variant: FileVariant)]

    /// Opens the file at `relativePath` and, if `withSiblings`, its precompressed siblings.
    public static func load(_ relativePath: String, resolver: StaticFileResolver, withSiblings: Bool,
                            cachePolicy: CacheControlPolicy) -> Result<StaticFileEntry, StaticFileRefusal> {
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
                        contentType: contentType, coding: coding, cacheControl: cacheControl, varies: varies)
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
