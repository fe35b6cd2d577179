import Glibc

/// One part of a `multipart/form-data` body.
public struct MultipartPart {
    /// Where a part's content is.
    public enum Content {
        case bytes([UInt8])
        /// A file upload, streamed to this temporary file.
        case file(path: String, length: Int)
    }

    /// The form field name (`name` of Content-Disposition).
    public let name: String
    /// The uploaded file's name, for file parts.
    public let filename: String?
    public let headers: HTTPHeaders
    public var content: Content

    /// The part's Content-Type, if it has one.
    public var contentType: String? { headers["Content-Type"] }

    /// The content as text (for in-memory parts).
    public var text: String? {
        if case .bytes(let bytes) = content { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }
}

/// A parsed `multipart/form-data` body. File parts live in temporary files: call `removeFiles()` when done.
public struct MultipartFormData {
    public var parts: [MultipartPart] = []

    /// The text of the first non-file part called `name`.
    public func field(_ name: String) -> String? {
        parts.first { $0.name == name && $0.filename == nil }?.text
    }

    /// The first file part called `name`.
    public func file(_ name: String) -> MultipartPart? {
        parts.first { $0.name == name && $0.filename != nil }
    }

    /// Deletes the temporary files of file parts.
    public func removeFiles() {
        for part in parts {
            if case .file(let path, _) = part.content { unlink(path) }
        }
    }
}

/// Why a multipart body was refused.
public enum MultipartError: Error, Equatable, CustomStringConvertible {
    case missingBoundary
    case malformedDelimiter(offset: Int)
    case malformedPartHeaders(offset: Int, reason: String)
    case partHeadersTooLarge(offset: Int)
    case fieldTooLarge(name: String)
    case tooManyParts
    case missingCloseDelimiter
    case temporaryFileFailed(errno: Int32)
    case bodyUnreadable

    public var description: String {
        switch self {
        case .missingBoundary: return "Content-Type multipart/form-data has no boundary parameter"
        case .malformedDelimiter(let offset): return "malformed boundary line at byte \(offset)"
        case .malformedPartHeaders(let offset, let reason): return "malformed part headers at byte \(offset): \(reason)"
        case .partHeadersTooLarge(let offset): return "part headers too large at byte \(offset)"
        case .fieldTooLarge(let name): return "form field \(name) too large"
        case .tooManyParts: return "too many parts"
        case .missingCloseDelimiter: return "body ends before the closing boundary"
        case .temporaryFileFailed(let code): return "cannot write the temporary upload file (errno \(code))"
        case .bodyUnreadable: return "cannot read the request body"
        }
    }
}
