import Daemon
import Foundation
import Glibc
import Postgres

/// How to import.
public struct ImportOptions {
    /// Delete all inventory data first (in the same transaction) instead of refusing.
    public var replace: Bool
    /// The export's media directory, or nil to copy no files.
    public var mediaSource: String?
    /// Where media files live (configuration key `media_root`).
    public var mediaRoot: String
    /// Called as rows are written: (rows written, rows in total, table).
    public var progress: ((Int, Int, String) -> Void)?

    public init(replace: Bool = false, mediaSource: String? = nil, mediaRoot: String,
                progress: ((Int, Int, String) -> Void)? = nil) {
        self.replace = replace
        self.mediaSource = mediaSource
        self.mediaRoot = mediaRoot
        self.progress = progress
    }
}

/// Loads an InvenTree export into the Stockroom schema in one transaction: everything or nothing.
public enum InvenTreeImporter {
    /// The advisory lock key that keeps two imports from running at once.
    static let lockKey: Int64 = 0x7374_6F63_6B69_6D70

    /// Reads the file at `path` and imports it.
    public static func run(file path: String, connection: PostgresConnection, options: ImportOptions) throws -> ImportReport {
        let started = monotonicSeconds()
        let dump = try DumpReader.read(path: path)
        let readSeconds = monotonicSeconds() - started
        var report = try run(dump: dump, connection: connection, options: options)
        report.readSeconds = readSeconds
        report.totalSeconds = monotonicSeconds() - started
        return report
    }

    /// Imports the records of `dump`.
    public static func run(dump: InvenTreeDump, connection: PostgresConnection, options: ImportOptions) throws -> ImportReport {
        let started = monotonicSeconds()
        var mark = started
        var phases: [(String, Double)] = []
        func phase(_ name: String) {
            let time = monotonicSeconds()
            phases.append((name, time - mark))
            mark = time
        }
        let plan = try ImportPlan(dump: dump)
        phase("plan")
        var report = ImportReport()
        report.loaded = plan.loaded
        report.skipped = plan.skipped
        report.upgrades = plan.upgrades
        report.mediaSkipped = options.mediaSource == nil
        for (model, fields) in plan.droppedFields.sorted(by: { $0.key < $1.key }) {
            for (field, entry) in fields.sorted(by: { $0.key < $1.key }) {
                report.droppedFields.append((model, field, entry.count, entry.reason))
            }
        }

        var media = MediaCopier(source: options.mediaSource, root: options.mediaRoot)
        do {
            try connection.transaction { connection in
                try connection.execute("SELECT pg_advisory_xact_lock($1)", [lockKey])
                report.replaced = try refuseOrClearExistingData(connection, replace: options.replace)
                phase("check/clear")
                try connection.execute("SET CONSTRAINTS ALL DEFERRED")
                let total = plan.rows.values.reduce(0) { $0 + $1.count }
                var written = 0
                for table in ModelMappings.tables {
                    guard let rows = plan.rows[table], !rows.isEmpty else { continue }
                    let before = written
                    do {
                        try TableWriter.insert(rows, into: table, connection: connection) { done in
                            written = before + done
                            options.progress?(written, total, table)
                        }
                    } catch let error as PostgresError {
                        throw FailureLocator.explain(error, table: table, plan: plan)
                    }
                }
                try TableWriter.insertMemberships(plan.memberships, connection: connection)
                phase("insert")
                do {
                    try connection.execute("SET CONSTRAINTS ALL IMMEDIATE")
                } catch let error as PostgresError {
                    throw FailureLocator.explain(error, table: nil, plan: plan)
                }
                phase("constraints")
                try TableWriter.moveSequences(ModelMappings.tables, connection: connection)
                report.tableCounts = try countRows(connection)
                try media.copy(plan.media)
                try recordAttachmentSizes(media.sizes, connection: connection)
                phase("media")
            }
            phase("commit")
        } catch {
            media.undo()
            throw error
        }
        // Statistics of the new rows now, not when autovacuum comes by: the plans of the first requests depend on
        // them. The data is committed by now; without statistics it is only read more slowly for a while.
        _ = try? connection.execute("ANALYZE")
        phase("analyze")
        report.mediaCopied = media.copied
        report.mediaMissing = media.missing
        report.phases = phases
        report.totalSeconds = monotonicSeconds() - started
        return report
    }

    /// Older exports do not record attachment sizes (API 530 does): take them from the copied files.
    static func recordAttachmentSizes(_ sizes: [String: Int], connection: PostgresConnection) throws {
        guard !sizes.isEmpty else { return }
        let payload = try JSONSerialization.data(withJSONObject: sizes.map { ["path": $0.key, "size": $0.value] }, options: [])
        try connection.execute("""
            UPDATE common_attachment SET file_size = copied.size
            FROM jsonb_to_recordset($1::jsonb) AS copied (path text, size integer)
            WHERE common_attachment.attachment = copied.path AND common_attachment.file_size = 0
            """, [String(decoding: payload, as: UTF8.self)])
    }

    /// Every table an import fills, and the sessions that belong to its users.
    static var inventoryTables: [String] { ModelMappings.tables + ["users_session"] }

    /// Refuses to import over existing data, unless `replace`, which deletes it; true when it did.
    static func refuseOrClearExistingData(_ connection: PostgresConnection, replace: Bool) throws -> Bool {
        let present = try countRows(connection).filter { $0.count > 0 }
        guard !present.isEmpty else { return false }
        guard replace else {
            let examples = present.prefix(4).map { "\($0.count) rows in \($0.table)" }.joined(separator: ", ")
            throw ImportError("the database already holds data (\(examples)\(present.count > 4 ? ", ..." : "")): "
                + "importing again would mix two inventories; give --replace to delete the existing data first")
        }
        try connection.execute("TRUNCATE " + inventoryTables.joined(separator: ", ") + " CASCADE")
        return true
    }

    /// The number of rows in each inventory table.
    static func countRows(_ connection: PostgresConnection) throws -> [(table: String, count: Int)] {
        let sql = "SELECT " + inventoryTables.map { "(SELECT count(*) FROM \($0))" }.joined(separator: ", ")
        let row = try connection.query(sql).singleRow()
        return try inventoryTables.enumerated().map { index, table in (table, try row.decode(index, as: Int.self)) }
    }
}
