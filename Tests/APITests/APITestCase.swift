import API
import Auth
import Daemon
import FoundationEssentials
import HTTP
import Postgres
import Redis
import Schema
import TestSupport
import XCTest

/// A test class with its own migrated database holding the demo users, the private Redis, and the
/// API router, called directly with constructed requests.
class APITestCase: XCTestCase {
    private(set) var pool: PostgresPool!
    private(set) var redis: RedisPool!
    private(set) var context: APIContext!
    private(set) var router: Router!

    /// Configuration values for the context.
    var configurationValues: [String: String] { [:] }

    override func setUpWithError() throws {
        try super.setUpWithError()
        let environment = try TestEnvironment.current()
        pool = PostgresPool(url: try ClassDatabase.url(named: ClassDatabase.name(of: Self.self)), maximumConnections: 4)
        try pool.withConnection { connection in
            _ = try Migrator().apply(Schema.migrations, using: connection)
            try loadData(connection)
        }
        redis = try RedisPool(url: environment.redisURL)
        _ = try redis.command(["FLUSHDB"])
        context = try APIContext(pool: pool, redis: redis, configuration: Configuration(values: configurationValues),
                                 logger: Logger(identifier: "api-tests", level: .critical), serverVersion: "9.9.9",
                                 authSettings: AuthSettings())
        router = APIRoutes.router(context: context)
    }

    /// Puts the test data in place: by default the demo users, groups and rule sets.
    func loadData(_ connection: PostgresConnection) throws {
        _ = try connection.runScript(DemoUsersFixture.resetSQL + "; TRUNCATE common_inventreesetting, daemon_instances;")
    }

    override class func tearDown() {
        ClassDatabase.drop(named: ClassDatabase.name(of: self))
        super.tearDown()
    }

    override func tearDownWithError() throws {
        pool?.close()
        redis?.shutdown()
        try super.tearDownWithError()
    }

    /// Sends a request through the router.
    func send(_ method: HTTPMethod, _ target: String, headers: [(String, String)] = [], body: String? = nil) -> HTTPResponse {
        let parts = target.split(separator: "?", maxSplits: 1)
        var all = [("Host", "testserver")] + headers
        if body != nil && !all.contains(where: { $0.0 == "Content-Type" }) { all.append(("Content-Type", "application/json")) }
        let request = HTTPRequest(method: method, path: String(parts[0]), rawQuery: parts.count > 1 ? String(parts[1]) : "",
                                  headers: HTTPHeaders(all), body: body.map { .bytes(Array($0.utf8)) } ?? .none,
                                  remoteAddress: "192.0.2.7:41000", requestID: "test")
        return router.respond(to: request)
    }

    func basic(_ user: String, _ password: String) -> (String, String) {
        ("Authorization", "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
    }

    /// The body of a JSON response (asserting the exact content type).
    func json(_ response: HTTPResponse, file: StaticString = #filePath, line: UInt = #line) throws -> JSONValue {
        XCTAssertEqual(response.headers["Content-Type"], "application/json", file: file, line: line)
        guard case .bytes(let bytes) = response.body else {
            XCTFail("no body", file: file, line: line)
            return .null
        }
        return try JSONValue.parse(bytes)
    }

    /// The names of an object's members, in order.
    func keys(_ value: JSONValue?) -> [String] {
        guard case .object(let members)? = value else { return [] }
        return members.map(\.0)
    }
}
