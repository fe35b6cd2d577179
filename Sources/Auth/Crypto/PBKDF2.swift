import CCrypto

/// PBKDF2 with HMAC-SHA256 (RFC 8018), the key derivation of Django's `pbkdf2_sha256` hasher.
public enum PBKDF2 {
    /// Derives `length` bytes from `password` and `salt` with `iterations` rounds.
    public static func sha256(password: [UInt8], salt: [UInt8], iterations: Int, length: Int = 32) -> [UInt8] {
        precondition(iterations > 0 && iterations <= Int(Int32.max) && length > 0, "PBKDF2 parameters out of range")
        var output = [UInt8](repeating: 0, count: length)
        let ok = password.withUnsafeBufferPointer { passwordBuffer in
            salt.withUnsafeBufferPointer { saltBuffer in
                output.withUnsafeMutableBufferPointer { outputBuffer in
                    passwordBuffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(password.count, 1)) { passwordPointer in
                        PKCS5_PBKDF2_HMAC(passwordPointer, Int32(password.count), saltBuffer.baseAddress, Int32(salt.count),
                                          Int32(iterations), EVP_sha256(), Int32(length), outputBuffer.baseAddress)
                    }
                }
            }
        }
        precondition(ok == 1, "OpenSSL PKCS5_PBKDF2_HMAC failed")
        return output
    }
}
