import Foundation

/// One row to insert and the record it came from (for error messages).
struct PlannedRow {
    var values: [String: Any]
    let record: InvenTreeRecord
}

/// A media file a record refers to.
struct MediaReference {
    let path: String
    let record: InvenTreeRecord
    let field: String
}

/// Everything an import will write, built and checked in memory before the database is touched:
/// rows per table, user-group memberships, media files, and what is skipped and why.
struct ImportPlan {
    var rows: [String: [PlannedRow]] = [:]
    var memberships: [(user: Int, group: Int)] = []
    var media: [MediaReference] = []
    /// Records stored, per source model, in the order models were first seen.
    var loaded: [(model: String, count: Int)] = []
    /// Records not stored, per source model, with the reason.
    var skipped: [(model: String, count: Int, reason: String)] = []
    /// Fields not stored: model -> field -> (records, reason; nil when the field is unknown).
    var droppedFields: [String: [String: (count: Int, reason: String?)]] = [:]
    /// What the upgrade to API 530 changed.
    var upgrades: [String] = []

    init(dump: InvenTreeDump) throws {
        let keys = try KeyIndex(records: dump.records)
        var loadedCounts: [String: Int] = [:]
        var skippedCounts: [String: Int] = [:]
        var modelOrder: [String] = []
        for record in dump.records {
            if loadedCounts[record.model] == nil && skippedCounts[record.model] == nil { modelOrder.append(record.model) }
            guard let mapping = ModelMappings.byModel[record.model] else {
                skippedCounts[record.model, default: 0] += 1
                continue
            }
            rows[mapping.table, default: []].append(PlannedRow(values: try build(record, mapping, keys), record: record))
            loadedCounts[record.model, default: 0] += 1
        }
        for model in modelOrder {
            if let count = loadedCounts[model] { loaded.append((model, count)) }
            if let count = skippedCounts[model] {
                skipped.append((model, count, SkippedModels.reasons[model] ?? "unknown model: Stockroom has no table for it"))
            }
        }
        upgrades = Upgrades.apply(to: &self)
        try TreeOrder.sort(&rows)
    }

    private mutating func build(_ record: InvenTreeRecord, _ mapping: ModelMapping, _ keys: KeyIndex) throws -> [String: Any] {
        var values = mapping.constants
        if mapping.keepsPrimaryKey, let pk = record.pk { values["id"] = pk }
        for (field, value) in record.fields {
            guard let fieldMapping = mapping.fields[field] else {
                droppedFields[record.model, default: [:]][field, default: (0, nil)].count += 1
                continue
            }
            let isNull = value is NSNull
            switch fieldMapping {
            case .column(let column):
                values[column] = value
            case .reference(let column, let table):
                if isNull { values[column] = NSNull(); continue }
                guard let key = DumpReader.integer(value), keys.contains(key, in: table) else {
                    throw ImportError.record(record, field: field, "refers to \(table) \(describe(value)), which is not in the file")
                }
                values[column] = key
            case .user(let column):
                if isNull { values[column] = NSNull(); continue }
                guard let key = keys.user(value) else {
                    throw ImportError.record(record, field: field, "refers to user \(describe(value)), who is not in the file")
                }
                values[column] = key
            case .group(let column):
                if isNull { values[column] = NSNull(); continue }
                guard let key = keys.group(value) else {
                    throw ImportError.record(record, field: field, "refers to group \(describe(value)), which is not in the file")
                }
                values[column] = key
            case .contentType(let column):
                values[column] = isNull ? NSNull() : try contentType(value, record: record, field: field)
            case .file(let column):
                values[column] = value
                if let path = value as? String, !path.isEmpty {
                    guard MediaCopier.isSafeRelativePath(path) else {
                        throw ImportError.record(record, field: field, "the media path '\(path)' leaves the media directory")
                    }
                    media.append(MediaReference(path: path, record: record, field: field))
                }
            case .groupMembership:
                for member in value as? [Any] ?? [] {
                    guard let group = keys.group(member), let user = record.pk else {
                        throw ImportError.record(record, field: field, "refers to group \(describe(member)), which is not in the file")
                    }
                    memberships.append((user, group))
                }
            case .ownerKey:
                continue
            case .upgradeInput(let name):
                values[name] = value
            case .ignored(let reason):
                droppedFields[record.model, default: [:]][field, default: (0, reason)].count += 1
            }
        }
        if record.model == "users.owner" { try resolveOwner(record, keys, into: &values) }
        if let modelType = values["model_type"] as? String, let modelID = values["model_id"],
           mapping.table == "common_parameter" || mapping.table == "common_attachment" {
            guard let table = KeyIndex.modelTypeTables[modelType] else {
                throw ImportError.record(record, field: "model_type", "'\(modelType)' is not a kind of record that can have \(mapping.table == "common_parameter" ? "parameters" : "attachments")")
            }
            guard let key = DumpReader.integer(modelID), keys.contains(key, in: table) else {
                throw ImportError.record(record, field: mapping.fields["model_id"] == nil ? "part" : "model_id",
                                         "refers to \(modelType) \(describe(modelID)), which is not in the file")
            }
            values["model_id"] = key
        }
        return values
    }

    /// An owner's content type and key become its user_id or group_id.
    private func resolveOwner(_ record: InvenTreeRecord, _ keys: KeyIndex, into values: inout [String: Any]) throws {
        guard let type = record.fields["owner_type"], let id = record.fields["owner_id"] else {
            throw ImportError.record(record, field: "owner_type", "an owner needs owner_type and owner_id")
        }
        switch try contentType(type, record: record, field: "owner_type") {
        case "user":
            guard let key = keys.user(id) else { throw ImportError.record(record, field: "owner_id", "refers to user \(describe(id)), who is not in the file") }
            values["user_id"] = key
        case "group":
            guard let key = keys.group(id) else { throw ImportError.record(record, field: "owner_id", "refers to group \(describe(id)), which is not in the file") }
            values["group_id"] = key
        case let other:
            throw ImportError.record(record, field: "owner_type", "an owner must be a user or a group, not '\(other)'")
        }
    }

    /// A content type natural key `["app_label", "model"]` (or a bare model name) as the model name.
    private func contentType(_ value: Any, record: InvenTreeRecord, field: String) throws -> String {
        if let list = value as? [Any], list.count == 2, let model = list[1] as? String { return model.lowercased() }
        if let model = value as? String, !model.isEmpty { return model.lowercased() }
        throw ImportError.record(record, field: field, "expected a content type as [\"app_label\", \"model\"] (export with natural foreign keys), found \(describe(value))")
    }

    private func describe(_ value: Any) -> String {
        if let list = value as? [Any] { return "[" + list.map { describe($0) }.joined(separator: ", ") + "]" }
        if let text = value as? String { return "'\(text)'" }
        return "\(value)"
    }
}
