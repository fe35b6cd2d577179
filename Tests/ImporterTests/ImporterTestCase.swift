import Foundation
import Importer
import Postgres
import Schema
import TestSupport
import XCTest

/// A test class with a database of its own (created, with the whole schema, before its first
/// test and dropped after its last) and helpers to import and to look at the result.
class ImporterTestCase: XCTestCase {
    /// The reference data beside the checkout (`../shared`), or STOCKROOM_SHARED_DIR.
    static let sharedDirectory: String = {
        if let configured = ProcessInfo.processInfo.environment["STOCKROOM_SHARED_DIR"] { return configured }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared").path
    }()
    static let demoDirectory = sharedDirectory + "/demo-dataset"
    static let demo2024 = demoDirectory + "/inventree_data.json"
    static let demo530 = demoDirectory + "/inventree_data_api530.json"
    static let demoMedia = demoDirectory + "/media"
    static let fixtures = sharedDirectory + "/inventree-fixtures"

    private(set) var databaseURL = ""
    private(set) var connection: PostgresConnection!
    private(set) var environment: TestEnvironment!
    /// A fresh media root for each test.
    private(set) var mediaRoot = ""

    override func setUpWithError() throws {
        try super.setUpWithError()
        environment = try TestEnvironment.current()
        let name = ClassDatabase.name(of: Self.self)
        databaseURL = try ClassDatabase.url(named: name) { url in
            _ = try Migrator().apply(Schema.migrations, using: try PostgresConnection(url))
        }
        connection = try PostgresConnection(databaseURL)
        mediaRoot = environment.scratchDirectory + "/media-\(name)-\(UUID().uuidString.prefix(8))"
    }

    override func tearDownWithError() throws {
        connection = nil
        try? FileManager.default.removeItem(atPath: mediaRoot)
        try super.tearDownWithError()
    }

    override class func tearDown() {
        ClassDatabase.drop(named: ClassDatabase.name(of: self))
        super.tearDown()
    }

    /// Imports `path` into this class's database.
    @discardableResult
    func importFile(_ path: String, media: String? = nil, replace: Bool = false,
                    progress: ((Int, Int, String) -> Void)? = nil) throws -> ImportReport {
        try InvenTreeImporter.run(file: path, connection: connection, options: ImportOptions(
            replace: replace, mediaSource: media, mediaRoot: mediaRoot, progress: progress))
    }

    /// Deletes every imported row (so that each test starts from an empty inventory).
    func emptyInventory() throws {
        let tables = try connection.query("""
            SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables
            WHERE schemaname = 'public' AND tablename NOT IN ('schema_migrations', 'daemon_instances')
            """).singleRow().decode(0, as: String?.self)
        if let tables { try connection.execute("TRUNCATE \(tables) RESTART IDENTITY CASCADE") }
    }

    /// The number of rows of every table, by name.
    func tableCounts() throws -> [String: Int] {
        let names = try connection.query("""
            SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename
            """).map { try $0.decode(0, as: String.self) }
        var counts: [String: Int] = [:]
        for name in names {
            counts[name] = try connection.query("SELECT count(*) FROM \(name)").singleRow().decode(0, as: Int.self)
        }
        return counts
    }

    func count(_ table: String) throws -> Int {
        try connection.query("SELECT count(*) FROM \(table)").singleRow().decode(0, as: Int.self)
    }

    /// The rows of a query as text lines (columns joined by '|', NULL as '∅'), for comparisons.
    func lines(_ sql: String) throws -> [String] {
        let result = try connection.query(sql)
        return result.map { row in
            (0..<result.columnCount).map { row[$0]?.text ?? "∅" }.joined(separator: "|")
        }
    }

    /// How many records of each model a dumpdata JSON file holds, read independently of the importer.
    static func modelCounts(json path: String) throws -> [String: Int] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let list = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        var counts: [String: Int] = [:]
        for record in list {
            if let model = record["model"] as? String { counts[model.lowercased(), default: 0] += 1 }
        }
        return counts
    }

    /// The error an import throws, as text (fails the test when it does not throw an ImportError).
    func importError(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            try body()
            XCTFail("the import succeeded; expected it to be refused", file: file, line: line)
        } catch let error as ImportError {
            return error.description
        } catch {
            XCTFail("expected an ImportError, got \(error)", file: file, line: line)
        }
        return ""
    }

    /// Writes `text` to a file in the scratch directory and returns its path.
    func scratchFile(_ name: String, _ data: Data) throws -> String {
        let path = environment.scratchDirectory + "/\(ClassDatabase.name(of: Self.self))-\(name)"
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }
}
