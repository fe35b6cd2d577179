import FoundationEssentials

/// The credentials of an `Authorization` header, as InvenTree's authentication classes read them.
public enum AuthorizationHeader: Equatable, Sendable {
    /// `Token <key>` or `Bearer <key>`.
    case token(String)
    /// `Basic <base64 of username:password>`.
    case basic(username: String, password: String)
    /// A scheme this server does not authenticate with (left for other authenticators, as DRF does).
    case otherScheme(String)
    /// A known scheme with a broken value; `reason` is the message DRF sends in the 401.
    case malformed(reason: String)

    /// Parses the header value; nil when it is empty.
    public init?(_ value: String) {
        let trimmed = value.trimmingWhitespace()
        guard !trimmed.isEmpty else { return nil }
        let parts = trimmed.split(separator: " ", omittingEmptySubsequences: true)
        let scheme = parts[0].lowercased()
        switch scheme {
        case "token", "bearer":
            guard parts.count == 2 else {
                self = .malformed(reason: parts.count == 1
                    ? "Invalid token header. No credentials provided."
                    : "Invalid token header. Token string should not contain spaces.")
                return
            }
            self = .token(String(parts[1]))
        case "basic":
            guard parts.count == 2 else {
                self = .malformed(reason: parts.count == 1
                    ? "Invalid basic header. No credentials provided."
                    : "Invalid basic header. Credentials string should not contain spaces.")
                return
            }
            guard let data = Data(base64Encoded: String(parts[1])),
                  case let decoded = AuthorizationHeader.decodeText(Array(data)),
                  let colon = decoded.firstIndex(of: ":") else {
                self = .malformed(reason: "Invalid basic header. Credentials not correctly base64 encoded.")
                return
            }
            self = .basic(username: String(decoded[..<colon]), password: String(decoded[decoded.index(after: colon)...]))
        default:
            self = .otherScheme(String(parts[0]))
        }
    }

    /// UTF-8 when valid, otherwise Latin-1 (DRF's BasicAuthentication does the same).
    static func decodeText(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }
}
