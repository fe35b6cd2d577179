import Foundation

/// Reads an InvenTree export: a JSON list of records (optionally led by a metadata record), or a
/// YAML fixture file in Django's fixture layout.
public enum DumpReader {
    /// Reads the file at `path`, or every .json/.yaml/.yml file of the directory at `path` (in name
    /// order, as one set of records: fixture files refer to each other's records).
    public static func read(path: String) throws -> InvenTreeDump {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ImportError("cannot read \(path): no such file or directory")
        }
        guard isDirectory.boolValue else { return try readFile(path: path) }
        let names = try FileManager.default.contentsOfDirectory(atPath: path)
            .filter { $0.hasSuffix(".json") || $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        guard !names.isEmpty else { throw ImportError("\(path) holds no .json, .yaml or .yml files") }
        var combined = InvenTreeDump(records: [])
        for name in names {
            let dump = try readFile(path: path + "/" + name)
            let offset = combined.records.count
            combined.records += dump.records.map {
                InvenTreeRecord(model: $0.model, pk: $0.pk, fields: $0.fields, position: offset + $0.position, file: name)
            }
            combined.apiVersion = combined.apiVersion ?? dump.apiVersion
            combined.sourceVersion = combined.sourceVersion ?? dump.sourceVersion
        }
        return combined
    }

    /// Reads and parses one file (JSON unless its name ends in .yaml or .yml).
    static func readFile(path: String) throws -> InvenTreeDump {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImportError("cannot read \(path): no such file or not readable")
        }
        if path.hasSuffix(".yaml") || path.hasSuffix(".yml") {
            return try parseFixture(data, name: path)
        }
        return try parseJSON(data, name: path)
    }

    /// Parses a `dumpdata` JSON export.
    public static func parseJSON(_ data: Data, name: String) throws -> InvenTreeDump {
        let top: Any
        do {
            top = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw ImportError("\(name) is not valid JSON (\(Self.jsonErrorDetail(error, data: data)))")
        }
        guard let list = top as? [Any] else {
            throw ImportError("\(name) is not an InvenTree export: expected a JSON list of records, found \(type(of: top))")
        }
        var dump = InvenTreeDump(records: [])
        dump.records.reserveCapacity(list.count)
        for (position, element) in list.enumerated() {
            guard let object = element as? [String: Any] else {
                throw ImportError("\(name): element \(position + 1) is not an object")
            }
            if object["model"] == nil, object["metadata"] != nil {
                dump.apiVersion = integer(object["api_version"])
                dump.sourceVersion = object["source_version"] as? String
                continue
            }
            dump.records.append(try record(object, position: position, name: name))
        }
        return dump
    }

    /// Parses a YAML fixture (the subset Django fixtures use).
    public static func parseFixture(_ data: Data, name: String) throws -> InvenTreeDump {
        guard let text = String(data: data, encoding: .utf8) else { throw ImportError("\(name) is not UTF-8 text") }
        let list = try FixtureYAMLReader.parse(text, name: name)
        var dump = InvenTreeDump(records: [])
        for (position, object) in list.enumerated() {
            dump.records.append(try record(object, position: position, name: name))
        }
        return dump
    }

    static func record(_ object: [String: Any], position: Int, name: String) throws -> InvenTreeRecord {
        guard let model = object["model"] as? String, model.contains(".") else {
            throw ImportError("\(name): record \(position + 1) has no 'model' of the form app.model")
        }
        let fields = object["fields"] as? [String: Any] ?? [:]
        let pk = integer(object["pk"])
        if object["pk"] != nil, !(object["pk"] is NSNull), pk == nil {
            throw ImportError("\(name): record \(position + 1) (\(model)) has a primary key that is not an integer: \(object["pk"]!)")
        }
        return InvenTreeRecord(model: model, pk: pk, fields: fields, position: position)
    }

    /// An integer from a JSON number or a decimal string.
    static func integer(_ value: Any?) -> Int? {
        switch value {
        case let text as String: return Int(text)
        case let integer as Int: return integer
        case let double as Double where double == double.rounded() && abs(double) < 9e15: return Int(double)
        default: return nil
        }
    }

    private static func jsonErrorDetail(_ error: Error, data: Data) -> String {
        let nsError = error as NSError
        if let index = nsError.userInfo["NSJSONSerializationErrorIndex"] as? Int {
            return "error at byte \(index) of \(data.count)"
        }
        if let debug = nsError.userInfo[NSDebugDescriptionErrorKey] as? String { return debug }
        return "\(data.count) bytes; \(error.localizedDescription)"
    }
}
