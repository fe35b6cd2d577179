/// The request headers that make a GET or HEAD conditional or partial, as received (nil if absent).
public struct ConditionalHeaders: Sendable {
    public var ifMatch: String?
    public var ifNoneMatch: String?
    public var ifModifiedSince: String?
    public var ifUnmodifiedSince: String?
    public var range: String?
    public var ifRange: String?

    public init(ifMatch: String? = nil, ifNoneMatch: String? = nil, ifModifiedSince: String? = nil,
                ifUnmodifiedSince: String? = nil, range: String? = nil, ifRange: String? = nil) {
        self.ifMatch = ifMatch
        self.ifNoneMatch = ifNoneMatch
        self.ifModifiedSince = ifModifiedSince
        self.ifUnmodifiedSince = ifUnmodifiedSince
        self.range = range
        self.ifRange = ifRange
    }
}

/// The outcome of evaluating preconditions and `Range` for a static representation.
public enum ConditionalDecision: Equatable, Sendable {
    case full
    case partial(offset: Int64, length: Int64)
    case notModified
    case preconditionFailed
    case rangeNotSatisfiable
}

/// RFC 9110 section 13.2.2's order of evaluation, as pure logic.
public enum ConditionalRequest {
    /// Decides how to answer a GET (`isHead` false) or HEAD for a representation with this validator set.
    public static func evaluate(_ headers: ConditionalHeaders, isHead: Bool, etag: String,
                                lastModified: Int64, size: Int64) -> ConditionalDecision {
        if let ifMatch = headers.ifMatch {
            if !EntityTag.matchHits(ifMatch, etag: etag) { return .preconditionFailed }
        } else if let value = headers.ifUnmodifiedSince, let date = HTTPDateFormat.parse(value), lastModified > date {
            return .preconditionFailed
        }
        if let ifNoneMatch = headers.ifNoneMatch {
            if EntityTag.noneMatchHits(ifNoneMatch, etag: etag) { return .notModified }
        } else if let value = headers.ifModifiedSince, let date = HTTPDateFormat.parse(value), lastModified <= date {
            return .notModified
        }
        // Range applies to GET only; HEAD answers with the headers of a full GET.
        guard !isHead, let range = headers.range else { return .full }
        if let ifRange = headers.ifRange, !ifRangeHolds(ifRange, etag: etag, lastModified: lastModified) {
            return .full
        }
        switch ByteRange.evaluate(range, size: size) {
        case .whole: return .full
        case .partial(let offset, let length): return .partial(offset: offset, length: length)
        case .unsatisfiable: return .rangeNotSatisfiable
        }
    }

    /// `If-Range`: an entity tag must match strongly; a date must equal Last-Modified exactly.
    static func ifRangeHolds(_ value: String, etag: String, lastModified: Int64) -> Bool {
        let trimmed = value.drop(while: { $0 == " " })
        if trimmed.hasPrefix("\"") || trimmed.hasPrefix("W/") {
            return EntityTag.strongMatch(value, etag: etag)
        }
        return HTTPDateFormat.parse(String(trimmed)) == lastModified
    }
}
