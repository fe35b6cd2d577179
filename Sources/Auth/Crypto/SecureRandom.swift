import CCrypto

/// Unpredictable bytes and strings from OpenSSL's CSPRNG.
public enum SecureRandom {
    /// Letters and digits, as Django's `get_random_string` uses them.
    public static let alphanumerics = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

    /// `count` random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: count)
        guard count > 0 else { return output }
        let ok = output.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(count)) }
        // RAND_bytes fails only when the generator cannot be seeded; continuing would hand out guessable secrets.
        precondition(ok == 1, "OpenSSL RAND_bytes failed: no entropy")
        return output
    }

    /// A string of `length` characters drawn uniformly from `alphabet` (rejection sampling, no modulo bias).
    public static func string(length: Int, alphabet: [Character] = alphanumerics) -> String {
        precondition(!alphabet.isEmpty && alphabet.count <= 256, "alphabet must have 1...256 characters")
        let limit = 256 - (256 % alphabet.count)
        var result = ""
        while result.count < length {
            for byte in bytes(length * 2) where Int(byte) < limit && result.count < length {
                result.append(alphabet[Int(byte) % alphabet.count])
            }
        }
        return result
    }
}
