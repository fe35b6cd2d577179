import Foundation
import Postgres

/// Inserts planned rows: one statement per table (per run of rows with the same columns), the rows
/// sent as a single JSON parameter and expanded by jsonb_populate_recordset into the table's own
/// row type, so PostgreSQL converts every value with the column's input function. Columns a
/// record does not have are left to their defaults.
enum TableWriter {
    /// Inserts `rows` into `table`; calls `progress` with the number of rows written so far.
    static func insert(_ rows: [PlannedRow], into table: String, connection: PostgresConnection,
                       progress: (Int) -> Void) throws {
        var start = 0
        while start < rows.count {
            let columns = rows[start].values.keys.sorted()
            var end = start + 1
            while end < rows.count, rows[end].values.count == columns.count,
                  rows[end].values.keys.allSatisfy({ rows[start].values[$0] != nil }) {
                end += 1
            }
            let payload: Data
            do {
                payload = try JSONSerialization.data(withJSONObject: rows[start..<end].map(\.values), options: [])
            } catch {
                throw ImportError.record(rows[start].record, field: nil, "cannot be encoded for the database: \(error)")
            }
            let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
            let sql = "INSERT INTO \(table) (\(list)) SELECT \(list) FROM jsonb_populate_recordset(NULL::\(table), $1::jsonb)"
            try connection.execute(sql, [String(decoding: payload, as: UTF8.self)])
            progress(end)
            start = end
        }
    }

    /// Inserts the user-group memberships.
    static func insertMemberships(_ memberships: [(user: Int, group: Int)], connection: PostgresConnection) throws {
        guard !memberships.isEmpty else { return }
        let objects = memberships.map { ["user_id": $0.user, "group_id": $0.group] }
        let payload = try JSONSerialization.data(withJSONObject: objects, options: [])
        try connection.execute("""
            INSERT INTO auth_user_groups (user_id, group_id)
            SELECT DISTINCT user_id, group_id FROM jsonb_populate_recordset(NULL::auth_user_groups, $1::jsonb)
            """, [String(decoding: payload, as: UTF8.self)])
    }

    /// Moves each table's id sequence past the largest key, so new records get fresh keys.
    static func moveSequences(_ tables: [String], connection: PostgresConnection) throws {
        for table in tables {
            try connection.execute(
                "SELECT setval(pg_get_serial_sequence('\(table)', 'id'), coalesce((SELECT max(id) FROM \(table)), 0) + 1, false)")
        }
    }
}
