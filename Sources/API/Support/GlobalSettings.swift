import Postgres

/// InvenTree's global settings (`common_inventreesetting`), read as InvenTree stores them: text values,
/// booleans as `True`/`False`.
struct GlobalSettings {
    let values: [String: String]

    /// Reads the settings named `keys`.
    static func load(_ keys: [String], from connection: PostgresConnection) throws -> GlobalSettings {
        var values: [String: String] = [:]
        let keyList = "{" + keys.joined(separator: ",") + "}"
        for row in try connection.query("SELECT key, value FROM common_inventreesetting WHERE key = ANY($1::text[])", [keyList]) {
            values[try row.decode("key")] = try row.decode("value")
        }
        return GlobalSettings(values: values)
    }

    func string(_ key: String, default defaultValue: String) -> String {
        values[key].flatMap { $0.isEmpty ? nil : $0 } ?? defaultValue
    }

    /// InvenTree's `str2bool`.
    func bool(_ key: String, default defaultValue: Bool) -> Bool {
        guard let value = values[key]?.lowercased() else { return defaultValue }
        return ["1", "y", "yes", "t", "true", "on"].contains(value)
    }
}
