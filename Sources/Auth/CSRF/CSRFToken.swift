/// Django's CSRF tokens: a 32-character secret kept in the `csrftoken` cookie, sent back by the
/// client in `X-CSRFToken`, either as the secret itself or masked (64 characters: a random mask
/// followed by the secret shifted by it, so the token differs on every page).
public enum CSRFToken {
    public static let secretLength = 32
    public static let maskedLength = 64
    static let alphabet = SecureRandom.alphanumerics

    /// A new secret for the cookie.
    public static func newSecret() -> String { SecureRandom.string(length: secretLength) }

    /// `secret` masked with a fresh random mask (Django's `_mask_cipher_secret`).
    public static func mask(_ secret: String) -> String {
        let mask = SecureRandom.string(length: secretLength)
        return mask + String(zip(secret, mask).map { pair -> Character in
            guard let s = alphabet.firstIndex(of: pair.0), let m = alphabet.firstIndex(of: pair.1) else { return pair.0 }
            return alphabet[(s + m) % alphabet.count]
        })
    }

    /// The secret of a cookie or header value (32 characters as is, 64 unmasked); nil when the
    /// value has another length or characters outside Django's alphabet.
    public static func secret(of token: String) -> String? {
        let characters = Array(token)
        guard characters.allSatisfy({ alphabet.contains($0) }) else { return nil }
        if characters.count == secretLength { return token }
        guard characters.count == maskedLength else { return nil }
        let mask = characters[..<secretLength]
        let cipher = characters[secretLength...]
        return String(zip(cipher, mask).map { pair -> Character in
            let c = alphabet.firstIndex(of: pair.0)!, m = alphabet.firstIndex(of: pair.1)!
            return alphabet[(c - m + alphabet.count) % alphabet.count]
        })
    }
}
