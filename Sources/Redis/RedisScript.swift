/// A Lua script with its SHA-1, to be run with `RedisClient.run` (EVALSHA, falling back to EVAL).
public struct RedisScript: Sendable, Equatable {
    /// The Lua source, sent with EVAL when the server does not know the script.
    public let source: String
    /// The name Redis gives the script in its script cache.
    public let sha1: String

    public init(_ source: String) {
        self.source = source
        self.sha1 = SHA1.hexDigest(Array(source.utf8))
    }
}
