/// Which `Cache-Control` a static route sends.
public struct CacheControlPolicy: Sendable {
    /// For file names that carry a content hash (`app.3f9a1c2b.js`): they never change.
    public var fingerprinted: String
    /// For every other file.
    public var standard: String

    public init(fingerprinted: String = "public, max-age=31536000, immutable", standard: String = "public, max-age=3600") {
        self.fingerprinted = fingerprinted
        self.standard = standard
    }

    /// The header value for the file at `path`.
    public func value(forPath path: String) -> String {
        Self.isFingerprinted(path) ? fingerprinted : standard
    }

    /// True if the file name has a dot-separated segment of 8 or more hex digits other than its first
    /// and last (`app.3f9a1c2b.js`, `vendor.0123abcd.min.css`; not `3f9a1c2b.js` nor `app.js`).
    public static func isFingerprinted(_ path: String) -> Bool {
        let name = path.split(separator: "/").last ?? Substring(path)
        let segments = name.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count >= 3 else { return false }
        return segments.dropFirst().dropLast().contains { segment in
            segment.utf8.count >= 8 && segment.utf8.allSatisfy { byte in
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                    || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
            }
        }
    }
}
