/// A start-up failure of a daemon, with the sentence that tells the administrator what to do.
public struct RuntimeError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
