import FoundationEssentials

/// A password stored as Django stores it: `pbkdf2_sha256$<iterations>$<salt>$<base64 of the derived key>`.
public struct DjangoPasswordHash: Equatable, Sendable {
    public static let algorithm = "pbkdf2_sha256"

    public let iterations: Int
    public let salt: String
    /// The derived key, as Django's base64 text.
    public let hash: String

    /// Why a stored password field cannot be used.
    public enum ParseError: Error, Equatable, CustomStringConvertible {
        /// Django's `!...` marker of an unusable password (set_unusable_password), or an empty field.
        case unusable
        /// Another hasher (argon2, bcrypt, ...), named by its prefix.
        case unsupportedAlgorithm(String)
        /// The text does not have four `$`-separated parts with a positive iteration count and base64 hash.
        case malformed(String)

        public var description: String {
            switch self {
            case .unusable: return "the account has no usable password"
            case .unsupportedAlgorithm(let name): return "password hash algorithm '\(name)' is not supported (only pbkdf2_sha256)"
            case .malformed(let reason): return "malformed pbkdf2_sha256 password hash: \(reason)"
            }
        }
    }

    public init(iterations: Int, salt: String, hash: String) {
        self.iterations = iterations
        self.salt = salt
        self.hash = hash
    }

    /// Reads a stored password field.
    public init(parsing encoded: String) throws {
        if encoded.isEmpty || encoded.hasPrefix("!") { throw ParseError.unusable }
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard let first = parts.first, first == Self.algorithm else {
            throw ParseError.unsupportedAlgorithm(String(parts.first ?? ""))
        }
        guard parts.count == 4 else { throw ParseError.malformed("expected 4 '$'-separated parts, found \(parts.count)") }
        guard let iterations = Int(parts[1]), iterations > 0, iterations <= Int(Int32.max) else {
            throw ParseError.malformed("iteration count '\(parts[1])' is not a positive integer")
        }
        guard !parts[2].isEmpty, !parts[2].contains("$") else { throw ParseError.malformed("empty salt") }
        guard Data(base64Encoded: String(parts[3])) != nil else { throw ParseError.malformed("the hash is not base64") }
        self.init(iterations: iterations, salt: String(parts[2]), hash: String(parts[3]))
    }

    /// Hashes `password` with a fresh random salt, as Django's `make_password` does.
    public static func make(password: String, iterations: Int) -> DjangoPasswordHash {
        // Django's salt: 22 characters of [a-zA-Z0-9], about 128 bits.
        make(password: password, salt: SecureRandom.string(length: 22), iterations: iterations)
    }

    /// Hashes `password` with the given salt.
    public static func make(password: String, salt: String, iterations: Int) -> DjangoPasswordHash {
        let key = PBKDF2.sha256(password: Array(password.utf8), salt: Array(salt.utf8), iterations: iterations)
        return DjangoPasswordHash(iterations: iterations, salt: salt, hash: Data(key).base64EncodedString())
    }

    /// The text stored in the database.
    public var encoded: String { "\(Self.algorithm)$\(iterations)$\(salt)$\(hash)" }

    /// Whether `password` is the one this hash was made from (constant-time comparison of the keys).
    public func verify(_ password: String) -> Bool {
        guard let expected = Data(base64Encoded: hash) else { return false }
        let key = PBKDF2.sha256(password: Array(password.utf8), salt: Array(salt.utf8), iterations: iterations,
                                length: max(expected.count, 1))
        return ConstantTime.equal(key, Array(expected))
    }

    /// Whether Django would rehash this on the next successful login: another iteration count than the current one.
    public func needsRehash(currentIterations: Int) -> Bool { iterations != currentIterations }
}
