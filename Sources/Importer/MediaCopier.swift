import Foundation
import Glibc

/// Copies the media files an import refers to from the export's media directory into the media
/// root, at the same relative paths, and can take the copies back if the import fails.
struct MediaCopier {
    let source: String?
    let root: String
    private(set) var copied: [String] = []
    /// The size in bytes of each copied file.
    private(set) var sizes: [String: Int] = [:]
    private(set) var missing: [String] = []
    /// Files that did not exist before this import (removed again by `undo`).
    private var created: [String] = []

    init(source: String?, root: String) {
        self.source = source
        self.root = root
    }

    /// A path that stays inside the directory it is relative to: not absolute, no `..`, no empty
    /// or `.` components, no NUL.
    static func isSafeRelativePath(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\0") else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { $0 != ".." && $0 != "." && !$0.isEmpty }
    }

    /// Copies each distinct path once; a file absent from the source is listed in `missing`.
    mutating func copy(_ references: [MediaReference]) throws {
        guard let source else { return }
        var seen: Set<String> = []
        let manager = FileManager.default
        try makeDirectories(root)
        let realRoot = try realPath(root)
        for reference in references where seen.insert(reference.path).inserted {
            let from = source + "/" + reference.path
            guard manager.fileExists(atPath: from) else {
                missing.append(reference.path)
                continue
            }
            let to = root + "/" + reference.path
            let directory = (to as NSString).deletingLastPathComponent
            try makeDirectories(directory)
            // a symbolic link inside the media root must not lead the copy outside it
            guard (try realPath(directory) + "/").hasPrefix(realRoot + "/") else {
                throw ImportError.record(reference.record, field: reference.field, "the media path '\(reference.path)' leads outside the media root \(root)")
            }
            let existed = manager.fileExists(atPath: to)
            guard let data = manager.contents(atPath: from) else {
                throw ImportError("cannot read the media file \(from)")
            }
            do {
                try data.write(to: URL(fileURLWithPath: to), options: .atomic)
            } catch {
                throw ImportError("cannot write the media file \(to): \(error.localizedDescription)")
            }
            if !existed { created.append(to) }
            copied.append(reference.path)
            sizes[reference.path] = data.count
        }
    }

    /// Removes the files this import created (files it overwrote keep their new content).
    func undo() {
        for path in created { unlink(path) }
    }

    private func makeDirectories(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw ImportError("cannot create the media directory \(path): \(error.localizedDescription)")
        }
    }

    private func realPath(_ path: String) throws -> String {
        guard let resolved = realpath(path, nil) else {
            throw ImportError("cannot resolve \(path): \(String(cString: strerror(errno)))")
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
