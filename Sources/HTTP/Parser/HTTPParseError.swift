/// Why a request was refused: which rule it broke, where, and the status that answers it.
public struct HTTPParseError: Error, Equatable, CustomStringConvertible {
    /// The rule a request broke.
    public enum Kind: String, Equatable, Sendable {
        case tooManyEmptyLinesBeforeRequestLine
        case invalidMethod
        case methodNotImplemented
        case invalidRequestLineSeparator
        case invalidTargetCharacter
        case invalidTargetForm
        case requestLineTooLong
        case invalidVersion
        case unsupportedVersion
        case bareCR
        case bareLF
        case whitespaceBeforeFirstHeader
        case obsoleteLineFolding
        case invalidHeaderName
        case spaceBeforeColon
        case invalidHeaderValueCharacter
        case headerSectionTooLarge
        case tooManyHeaders
        case missingHost
        case duplicateHost
        case invalidHost
        case invalidContentLength
        case duplicateContentLength
        case contentLengthWithTransferEncoding
        case transferEncodingInHTTP10
        case invalidTransferEncoding
        case unsupportedTransferEncoding
        case unsupportedExpectation
        case invalidChunkSize
        case chunkSizeTooLong
        case invalidChunkExtension
        case invalidChunkTerminator
        case bodyTooLarge
        case invalidPercentEncoding
        case encodedSlash
        case encodedNUL
        case invalidPathEncoding
        case pathEscapesRoot
    }

    public let kind: Kind
    /// Byte offset in the request message (or in the path, for path errors) where the problem was seen.
    public let offset: Int

    /// The error for `kind`, seen at byte `offset`.
    public init(_ kind: Kind, at offset: Int) {
        self.kind = kind
        self.offset = offset
    }

    /// The response status that answers this error.
    public var status: Int {
        switch kind {
        case .methodNotImplemented, .unsupportedTransferEncoding: return 501
        case .requestLineTooLong: return 414
        case .unsupportedVersion: return 505
        case .headerSectionTooLarge, .tooManyHeaders: return 431
        case .bodyTooLarge: return 413
        case .unsupportedExpectation: return 417
        default: return 400
        }
    }

    /// A one-line explanation, safe to send back to the client.
    public var message: String {
        switch kind {
        case .tooManyEmptyLinesBeforeRequestLine: return "too many empty lines before the request line"
        case .invalidMethod: return "invalid character in the method"
        case .methodNotImplemented: return "method not implemented"
        case .invalidRequestLineSeparator: return "request line parts must be separated by exactly one space"
        case .invalidTargetCharacter: return "invalid character in the request target"
        case .invalidTargetForm: return "request target must be an absolute path, an absolute URI, or * for OPTIONS"
        case .requestLineTooLong: return "request line too long"
        case .invalidVersion: return "malformed HTTP version"
        case .unsupportedVersion: return "only HTTP/1.0 and HTTP/1.1 are supported"
        case .bareCR: return "CR not followed by LF"
        case .bareLF: return "LF without CR"
        case .whitespaceBeforeFirstHeader: return "whitespace between the request line and the first header"
        case .obsoleteLineFolding: return "obsolete line folding in a header"
        case .invalidHeaderName: return "invalid character in a header name"
        case .spaceBeforeColon: return "whitespace between a header name and the colon"
        case .invalidHeaderValueCharacter: return "invalid character in a header value"
        case .headerSectionTooLarge: return "header section too large"
        case .tooManyHeaders: return "too many header fields"
        case .missingHost: return "HTTP/1.1 request without Host"
        case .duplicateHost: return "more than one Host header"
        case .invalidHost: return "invalid Host header"
        case .invalidContentLength: return "Content-Length must be a single decimal number"
        case .duplicateContentLength: return "more than one Content-Length"
        case .contentLengthWithTransferEncoding: return "both Content-Length and Transfer-Encoding"
        case .transferEncodingInHTTP10: return "Transfer-Encoding in an HTTP/1.0 request"
        case .invalidTransferEncoding: return "Transfer-Encoding must end with a single chunked"
        case .unsupportedTransferEncoding: return "only the chunked transfer coding is supported"
        case .unsupportedExpectation: return "only Expect: 100-continue is supported"
        case .invalidChunkSize: return "invalid chunk size"
        case .chunkSizeTooLong: return "chunk size has too many digits"
        case .invalidChunkExtension: return "invalid chunk extension"
        case .invalidChunkTerminator: return "chunk data not followed by CRLF"
        case .bodyTooLarge: return "request body too large"
        case .invalidPercentEncoding: return "invalid percent-encoding in the path"
        case .encodedSlash: return "encoded slash (%2F) in the path"
        case .encodedNUL: return "encoded NUL (%00) in the path"
        case .invalidPathEncoding: return "path is not valid UTF-8"
        case .pathEscapesRoot: return "path escapes the root"
        }
    }

    public var description: String { "\(status) \(message) (at byte \(offset))" }
}
