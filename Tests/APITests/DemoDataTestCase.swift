import API
import Auth
import Daemon
import Foundation
import HTTP
import Importer
import Postgres
import Redis
import Schema
import TestSupport
import XCTest

/// A test class over a database holding InvenTree's demo dataset (API 530 export, imported once per class with
/// the real importer), the private Redis, and the API router called with constructed requests.
class DemoDataTestCase: XCTestCase {
    private(set) var pool: PostgresPool!
    private(set) var redis: RedisPool!
    private(set) var context: APIContext!
    private(set) var router: Router!
    /// Where this test's uploads go: a fresh directory, removed after the test.
    private(set) var mediaRoot = ""

    /// The reference data beside the checkout (`../shared`), or STOCKROOM_SHARED_DIR.
    static let sharedDirectory: String = {
        if let configured = ProcessInfo.processInfo.environment["STOCKROOM_SHARED_DIR"] { return configured }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared").path
    }()
    /// The export this class loads (the demo dataset; the fixtures directory for fixture tests).
    class var dataFile: String { sharedDirectory + "/demo-dataset/inventree_data_api530.json" }
    class var mediaDirectory: String? { sharedDirectory + "/demo-dataset/media" }

    override func setUpWithError() throws {
        try super.setUpWithError()
        let environment = try TestEnvironment.current()
        let name = ClassDatabase.name(of: Self.self)
        let url = try ClassDatabase.url(named: name) { url in
            let connection = try PostgresConnection(url)
            _ = try Migrator().apply(Schema.migrations, using: connection)
            let mediaRoot = environment.scratchDirectory + "/media-" + name
            try FileManager.default.createDirectory(atPath: mediaRoot, withIntermediateDirectories: true)
            _ = try InvenTreeImporter.run(file: Self.dataFile, connection: connection,
                                          options: ImportOptions(mediaSource: Self.mediaDirectory, mediaRoot: mediaRoot))
        }
        pool = PostgresPool(url: url, maximumConnections: 4)
        redis = try RedisPool(url: environment.redisURL)
        _ = try redis.command(["FLUSHDB"])
        context = try APIContext(pool: pool, redis: redis, configuration: Configuration(values: [:]),
                                 logger: Logger(identifier: "api-tests", level: .critical), serverVersion: "9.9.9",
                                 authSettings: AuthSettings())
        mediaRoot = NSTemporaryDirectory() + "stockroom-media-\(UUID().uuidString.prefix(8))"
        context.mediaRoot = mediaRoot
        router = APIRoutes.router(context: context)
    }

    override class func tearDown() {
        ClassDatabase.drop(named: ClassDatabase.name(of: self))
        super.tearDown()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: mediaRoot)
        ResourceSQL.observer = nil
        pool?.close()
        redis?.shutdown()
        try super.tearDownWithError()
    }

    /// The demo users' passwords (shared/demo-dataset/MANIFEST.md).
    static let passwords = ["admin": "inventree", "allaccess": "nolimits", "reader": "readonly", "engineer": "partsonly"]

    func auth(_ user: String) -> [(String, String)] {
        [("Authorization", "Basic " + Data("\(user):\(Self.passwords[user] ?? "")".utf8).base64EncodedString())]
    }

    /// Sends a request through the router as `user`.
    func send(_ method: HTTPMethod, _ target: String, as user: String = "admin", body: String? = nil) -> HTTPResponse {
        let parts = target.split(separator: "?", maxSplits: 1)
        var headers = [("Host", "testserver")] + auth(user)
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let request = HTTPRequest(method: method, path: String(parts[0]), rawQuery: parts.count > 1 ? String(parts[1]) : "",
                                  headers: HTTPHeaders(headers), body: body.map { .bytes(Array($0.utf8)) } ?? .none,
                                  remoteAddress: "192.0.2.7:41000", requestID: "test")
        return router.respond(to: request)
    }

    /// Sends a `multipart/form-data` request through the router as `user`: text `fields`, then `file` (its form field
    /// name, file name and bytes).
    func sendMultipart(_ method: HTTPMethod, _ path: String, fields: [(String, String)],
                       file: (field: String, name: String, bytes: [UInt8])?, as user: String) -> HTTPResponse {
        let boundary = "----stockroom-test-boundary"
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        if let file {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            body += file.bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        let headers = [("Host", "testserver"), ("Content-Type", "multipart/form-data; boundary=\(boundary)")] + auth(user)
        return router.respond(to: HTTPRequest(method: method, path: path, headers: HTTPHeaders(headers), body: .bytes(body),
                                              remoteAddress: "192.0.2.7:41000", requestID: "test"))
    }

    /// The JSON body of a response (asserting the exact content type and, when given, the status).
    func json(_ response: HTTPResponse, status: Int? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> JSONValue {
        if let status { XCTAssertEqual(response.status, status, "body: \(text(response))", file: file, line: line) }
        XCTAssertEqual(response.headers["Content-Type"], "application/json", file: file, line: line)
        guard case .bytes(let bytes) = response.body else {
            XCTFail("no body", file: file, line: line)
            return .null
        }
        return try JSONValue.parse(bytes)
    }

    func get(_ target: String, as user: String = "admin", file: StaticString = #filePath, line: UInt = #line) throws -> JSONValue {
        try json(send(.GET, target, as: user), status: 200, file: file, line: line)
    }

    func text(_ response: HTTPResponse) -> String {
        if case .bytes(let bytes) = response.body { return String(decoding: bytes, as: UTF8.self) }
        return ""
    }

    /// The elements of a JSON array (a failure if it is not one).
    func array(_ value: JSONValue?, file: StaticString = #filePath, line: UInt = #line) -> [JSONValue] {
        guard case .array(let items)? = value else {
            XCTFail("expected an array, got \(String(describing: value))", file: file, line: line)
            return []
        }
        return items
    }

    func keys(_ value: JSONValue?) -> [String] {
        guard case .object(let members)? = value else { return [] }
        return members.map(\.0)
    }

    /// One value from the database.
    func scalar<T: PostgresDecodable>(_ sql: String, _ parameters: [PostgresValue?] = [], as type: T.Type = T.self) throws -> T {
        try pool.withConnection { try $0.query(sql, parameters).singleRow().decode(0, as: T.self) }
    }

    /// The statements the resources run while `body` runs.
    func countingStatements(_ body: () throws -> Void) rethrows -> [String] {
        var statements: [String] = []
        ResourceSQL.observer = { statements.append($0) }
        defer { ResourceSQL.observer = nil }
        try body()
        return statements
    }
}
