/// Maps a file name's extension to its `Content-Type`.
public enum ContentTypes {
    /// Sent for an extension not in the table.
    public static let fallback = "application/octet-stream"

    /// The `Content-Type` for `fileName` (matched case-insensitively on the last extension).
    public static func contentType(forFileName fileName: String) -> String {
        let name = fileName.split(separator: "/").last.map(String.init) ?? fileName
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return fallback }
        return table[name[name.index(after: dot)...].lowercased()] ?? fallback
    }

    private static let utf8 = "; charset=utf-8"

    static let table: [String: String] = [
        "html": "text/html" + utf8, "htm": "text/html" + utf8,
        "css": "text/css" + utf8,
        "js": "text/javascript" + utf8, "mjs": "text/javascript" + utf8, "cjs": "text/javascript" + utf8,
        "json": "application/json", "map": "application/json", "webmanifest": "application/manifest+json",
        "txt": "text/plain" + utf8, "text": "text/plain" + utf8, "md": "text/markdown" + utf8,
        "csv": "text/csv" + utf8, "tsv": "text/tab-separated-values" + utf8,
        "xml": "application/xml", "xsl": "application/xml", "rss": "application/rss+xml", "atom": "application/atom+xml",
        "svg": "image/svg+xml", "svgz": "image/svg+xml",
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
        "webp": "image/webp", "avif": "image/avif", "ico": "image/x-icon", "bmp": "image/bmp",
        "tif": "image/tiff", "tiff": "image/tiff", "apng": "image/apng",
        "woff": "font/woff", "woff2": "font/woff2", "ttf": "font/ttf", "otf": "font/otf",
        "eot": "application/vnd.ms-fontobject",
        "pdf": "application/pdf", "zip": "application/zip", "gz": "application/gzip", "tgz": "application/gzip",
        "br": "application/octet-stream", "tar": "application/x-tar", "bz2": "application/x-bzip2",
        "xz": "application/x-xz", "zst": "application/zstd", "7z": "application/x-7z-compressed",
        "wasm": "application/wasm",
        "mp3": "audio/mpeg", "ogg": "audio/ogg", "oga": "audio/ogg", "wav": "audio/wav", "flac": "audio/flac",
        "m4a": "audio/mp4", "opus": "audio/ogg",
        "mp4": "video/mp4", "m4v": "video/mp4", "webm": "video/webm", "ogv": "video/ogg", "mov": "video/quicktime",
        "doc": "application/msword",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls": "application/vnd.ms-excel",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt": "application/vnd.ms-powerpoint",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt": "application/vnd.oasis.opendocument.text",
        "ods": "application/vnd.oasis.opendocument.spreadsheet",
        "rtf": "application/rtf", "ics": "text/calendar" + utf8, "yaml": "application/yaml", "yml": "application/yaml",
        "stl": "model/stl", "step": "model/step", "stp": "model/step",
    ]
}
