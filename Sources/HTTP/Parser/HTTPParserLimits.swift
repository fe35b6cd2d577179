/// Size limits the parser enforces; past each one the request is refused with the status noted.
public struct HTTPParserLimits: Sendable {
    /// Longest request line, the empty lines before it included (414).
    public var maxRequestLineBytes: Int = 8192
    /// Largest header section, and largest trailer section (431).
    public var maxHeaderBytes: Int = 16384
    /// Most header fields, and most trailer fields (431).
    public var maxHeaderCount: Int = 100
    /// Largest body, after chunked decoding (413).
    public var maxBodyBytes: Int = 16 << 20
    /// Most hexadecimal digits in a chunk size (400).
    public var maxChunkSizeDigits: Int = 15
    /// Longest chunk-extension part of a chunk-size line (400).
    public var maxChunkExtensionBytes: Int = 1024
    /// Longest method (501: no method we implement is longer).
    public var maxMethodBytes: Int = 32

    public init() {}
}
