import Foundation

/// What an import did: records stored and skipped per model, fields not stored, upgrade steps,
/// media files, and how long it took.
public struct ImportReport {
    /// Records stored per source model, in file order.
    public var loaded: [(model: String, count: Int)] = []
    /// Records not stored per source model, with the reason.
    public var skipped: [(model: String, count: Int, reason: String)] = []
    /// Fields not stored: (model, field, records, reason; nil for a field unknown to the mapping tables).
    public var droppedFields: [(model: String, field: String, count: Int, reason: String?)] = []
    /// What the upgrade to API 530 changed.
    public var upgrades: [String] = []
    /// Rows in each table after the import.
    public var tableCounts: [(table: String, count: Int)] = []
    /// Media files copied, and those referenced but absent from the media directory.
    public var mediaCopied: [String] = []
    public var mediaMissing: [String] = []
    /// True when no media directory was given (files were not copied).
    public var mediaSkipped = false
    /// Whether existing data was deleted first (--replace).
    public var replaced = false
    /// Seconds spent reading the file, and in total.
    public var readSeconds = 0.0
    public var totalSeconds = 0.0

    /// The number of records stored for `model`.
    public func loadedCount(_ model: String) -> Int { loaded.first { $0.model == model }?.count ?? 0 }

    /// The summary printed at the end of `stockroom import-inventree`.
    public var summary: String {
        var lines: [String] = []
        let width = (loaded.map(\.model.count) + skipped.map(\.model.count)).max() ?? 0
        func pad(_ text: String) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        lines.append("loaded \(loaded.reduce(0) { $0 + $1.count }) records:")
        for entry in loaded { lines.append("  \(pad(entry.model))  \(entry.count)") }
        if !skipped.isEmpty {
            lines.append("skipped \(skipped.reduce(0) { $0 + $1.count }) records:")
            for entry in skipped { lines.append("  \(pad(entry.model))  \(entry.count)  (\(entry.reason))") }
        }
        let unknown = droppedFields.filter { $0.reason == nil }
        if !unknown.isEmpty {
            lines.append("fields not stored (unknown to Stockroom's mapping tables):")
            for entry in unknown { lines.append("  \(entry.model).\(entry.field) in \(entry.count) records") }
        }
        let ignored = droppedFields.filter { $0.reason != nil }
        if !ignored.isEmpty {
            lines.append("fields not stored on purpose:")
            // fields of one model dropped for the same reason share a line
            var groups: [(key: String, fields: [String], count: Int, reason: String)] = []
            for entry in ignored {
                let key = entry.model + "\u{0}" + (entry.reason ?? "")
                if let index = groups.firstIndex(where: { $0.key == key }) {
                    groups[index].fields.append(entry.field)
                } else {
                    groups.append((key, [entry.field], entry.count, entry.reason ?? ""))
                }
            }
            for group in groups {
                let model = String(group.key.prefix { $0 != "\u{0}" })
                lines.append("  \(model): \(group.fields.joined(separator: ", ")) in \(group.count) records (\(group.reason))")
            }
        }
        if !upgrades.isEmpty {
            lines.append("upgraded to InvenTree API 530:")
            for note in upgrades { lines.append("  " + note) }
        }
        if mediaSkipped {
            lines.append("media: not copied (no --media directory given)")
        } else {
            lines.append("media: \(mediaCopied.count) files copied" + (mediaMissing.isEmpty ? "" : ", \(mediaMissing.count) referenced but absent from the media directory:"))
            for path in mediaMissing { lines.append("  " + path) }
        }
        if replaced { lines.append("the data that was in the database before was deleted (--replace)") }
        lines.append(String(format: "done in %.2f s (reading the file: %.2f s)", totalSeconds, readSeconds))
        return lines.joined(separator: "\n")
    }
}
