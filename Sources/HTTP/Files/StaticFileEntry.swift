/// One servable representation of a file: the file itself or a precompressed sibling.
public struct FileVariant: Sendable {
    public let file: OpenFile
    public let stat: FileStat
    public let etag: String
    /// IMF-fixdate of the modification time.
    public let lastModified: String
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
        var siblings: [(coding: ContentCoding, variant: FileVariant)] = []
        if withSiblings {
            for coding in ContentCoding.allCases {
                guard case .success(let sibling) = resolver.open(relativePath: resolved.relativePath + coding.fileSuffix),
                      !isOlder(sibling.stat, than: resolved.stat) else { continue }
                siblings.append((coding, variant(sibling, coding: coding)))
            }
        }
        return .success(StaticFileEntry(
            relativePath: resolved.relativePath,
            contentType: ContentTypes.contentType(forFileName: resolved.relativePath),
            cacheControl: cachePolicy.value(forPath: resolved.relativePath),
            identity: variant(resolved, coding: nil),
            precompressed: siblings))
    }

    /// The variant for `coding`, if a sibling for it exists.
    public func variant(for coding: ContentCoding) -> FileVariant? {
        precompressed.first { $0.coding == coding }?.variant
    }

    private static func variant(_ file: ResolvedFile, coding: ContentCoding?) -> FileVariant {
        FileVariant(file: file.file, stat: file.stat, etag: EntityTag.make(for: file.stat, coding: coding?.rawValue),
                    lastModified: HTTPDateFormat.format(secondsSinceEpoch: file.stat.modifiedSeconds))
    }

    private static func isOlder(_ sibling: FileStat, than original: FileStat) -> Bool {
        (sibling.modifiedSeconds, sibling.modifiedNanoseconds) < (original.modifiedSeconds, original.modifiedNanoseconds)
    }
}
