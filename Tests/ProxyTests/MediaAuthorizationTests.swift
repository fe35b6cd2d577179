import Auth
import Foundation
import HTTP
import Importer
import Postgres
import Proxy
import Redis
import Schema
import TestSupport
import XCTest

/// `/media/` over real sockets, with the demo dataset and its media imported: each demo user gets
/// exactly the files their role opens, unknown files are 404 for everyone, and all of it works with
/// Redis gone.
final class MediaAuthorizationTests: XCTestCase {
    /// Shared by the tests of the class: the database and media root are made once.
    private static var prepared: Result<(url: String, media: String), Error>?

    static let demoDirectory: String = {
        if let shared = ProcessInfo.processInfo.environment["STOCKROOM_SHARED_DIR"] { return shared + "/demo-dataset" }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.deletingLastPathComponent().appendingPathComponent("shared/demo-dataset").path
    }()
    static let databaseName = "test_proxy_media"
    static let users = ["admin": 1, "reader": 2, "engineer": 3, "allaccess": 4]

    private var pool: PostgresPool!
    private var redis: RedisPool!
    private var connection: PostgresConnection!
    private var mediaRoot = ""
    private var servers: [ServerOnThread] = []
    private var tokens: [String: String] = [:]

    override func setUpWithError() throws {
        try super.setUpWithError()
        if Self.prepared == nil { Self.prepared = Result { try Self.prepare() } }
        let (url, media) = try Self.prepared!.get()
        mediaRoot = media
        pool = PostgresPool(url: url, maximumConnections: 8)
        connection = try PostgresConnection(url)
        redis = try RedisPool(url: try TestEnvironment.current().redisURL)
        _ = try redis.command(["FLUSHDB"])
        let store = TokenStore(pool: pool, touchInterval: .seconds(600))
        for (name, id) in Self.users { tokens[name] = try store.issue(userID: id, name: "media-test").key }
    }

    override func tearDownWithError() throws {
        servers.forEach { $0.stop() }
        servers = []
        pool?.close()
        redis?.shutdown()
        try super.tearDownWithError()
    }

    override class func tearDown() {
        if case .success? = prepared { try? TestEnvironment.current().dropDatabase(named: databaseName) }
        prepared = nil
        super.tearDown()
    }

    private static func prepare() throws -> (url: String, media: String) {
        let environment = try TestEnvironment.current()
        let url = try environment.freshDatabase(named: databaseName)
        let connection = try PostgresConnection(url)
        _ = try Migrator().apply(Schema.migrations, using: connection)
        let media = environment.scratchDirectory + "/proxy-media-\(getpid())"
        _ = try InvenTreeImporter.run(file: demoDirectory + "/inventree_data.json", connection: connection,
                                      options: ImportOptions(mediaSource: demoDirectory + "/media", mediaRoot: media))
        // Attachments on records that roles open differently: engineers may not view purchase orders.
        try FileManager.default.createDirectory(atPath: media + "/attachments/purchaseorder/1", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: media + "/attachments/stockitem/2", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: media + "/attachments/orphan", withIntermediateDirectories: true)
        try Data("no record owns this\n".utf8).write(to: URL(fileURLWithPath: media + "/attachments/orphan/stray.pdf"))
        try Data("order quote\n".utf8).write(to: URL(fileURLWithPath: media + "/attachments/purchaseorder/1/quote.txt"))
        try Data("<svg xmlns='http://www.w3.org/2000/svg'/>".utf8).write(to: URL(fileURLWithPath: media + "/attachments/stockitem/2/label.svg"))
        try connection.execute("""
            INSERT INTO common_attachment (model_type, model_id, attachment, comment) VALUES
                ('purchaseorder', (SELECT min(id) FROM order_purchaseorder), 'attachments/purchaseorder/1/quote.txt', 'quote'),
                ('stockitem', 2, 'attachments/stockitem/2/label.svg', 'label')
            """)
        return (url, media)
    }

    /// A proxy on loopback in front of nothing, with media authorized through `redis`.
    private func proxy(redis: RedisPool?, cache: MediaLocalCache = MediaLocalCache()) throws -> HTTPTestClient {
        try proxy(routes: proxyRoutes(redis: redis, cache: cache))
    }

    private func proxyRoutes(redis: RedisPool?, cache: MediaLocalCache) -> ProxyRoutes {
        let access = MediaAccess(authenticator: Authenticator(pool: pool, redis: redis, settings: AuthSettings()),
                                 owners: MediaOwnerLookup(pool: pool, redis: redis), cache: cache)
        return ProxyRoutes(settings: ProxySettings(staticRoot: mediaRoot + "/none", mediaRoot: mediaRoot,
                                                   upstream: .unix(path: mediaRoot + "/nobody.sock")),
                           media: access)
    }

    private func proxy(routes: ProxyRoutes) throws -> HTTPTestClient {
        let server = try ServerOnThread(address: .tcp(host: "127.0.0.1", port: 0), router: routes.router)
        servers.append(server)
        return try HTTPTestClient(port: server.port)
    }

    private func get(_ client: HTTPTestClient, _ path: String, as user: String?, _ extra: [String: String] = [:]) throws -> HTTPTestClient.Response {
        var headers = extra
        if let user { headers["Authorization"] = "Token " + (tokens[user] ?? "unknown") }
        return try client.get(path, headers)
    }

    private func partImage() throws -> String {
        try connection.query("SELECT image FROM part_part WHERE image LIKE 'part_images/%.jpg' ORDER BY id LIMIT 1")
            .singleRow().decode(0, as: String.self)
    }

    private func statuses(_ client: HTTPTestClient, _ path: String) throws -> [String: Int] {
        var result: [String: Int] = [:]
        for user in Self.users.keys { result[user] = try get(client, "/media/" + path, as: user).status }
        result["anonymous"] = try get(client, "/media/" + path, as: nil).status
        return result
    }

    func testEachDemoUserSeesWhatTheirRoleOpens() throws {
        let client = try proxy(redis: redis)
        XCTAssertEqual(try statuses(client, try partImage()),
                       ["admin": 200, "reader": 200, "engineer": 200, "allaccess": 200, "anonymous": 401])
        XCTAssertEqual(try statuses(client, "attachments/purchaseorder/1/quote.txt"),
                       ["admin": 200, "reader": 200, "engineer": 403, "allaccess": 200, "anonymous": 401])
        XCTAssertEqual(try statuses(client, "part_files/85/1591BTBU.pdf"),
                       ["admin": 200, "reader": 200, "engineer": 200, "allaccess": 200, "anonymous": 401])
        let company = try connection.query("SELECT image FROM company_company WHERE image <> '' ORDER BY id LIMIT 1")
            .singleRow().decode(0, as: String.self)
        XCTAssertEqual(try statuses(client, company),
                       ["admin": 200, "reader": 200, "engineer": 200, "allaccess": 200, "anonymous": 401],
                       "engineers view return orders, whose rule set covers companies")
    }

    func testUnknownFilesAre404ForEveryone() throws {
        let client = try proxy(redis: redis)
        let onDiskWithoutOwner = "attachments/orphan/stray.pdf"
        XCTAssertTrue(FileManager.default.fileExists(atPath: mediaRoot + "/" + onDiskWithoutOwner))
        let expected = ["admin": 404, "reader": 404, "engineer": 404, "allaccess": 404, "anonymous": 404]
        XCTAssertEqual(try statuses(client, onDiskWithoutOwner), expected)
        XCTAssertEqual(try statuses(client, "part_images/no-such-file.jpg"), expected)
        XCTAssertEqual(try statuses(client, "report/report/bad_sales_order_report.html"), expected)
    }

    func testImagesInlineEverythingElseAsDownloadWithRangeAndETag() throws {
        let client = try proxy(redis: redis)
        let image = try get(client, "/media/" + (try partImage()), as: "reader")
        XCTAssertEqual(image.status, 200)
        XCTAssertEqual(image.header("Content-Type"), "image/jpeg")
        XCTAssertNil(image.header("Content-Disposition"))
        XCTAssertEqual(image.header("X-Content-Type-Options"), "nosniff")
        XCTAssertEqual(image.header("Cache-Control"), "private, no-cache")
        let onDisk = try Data(contentsOf: URL(fileURLWithPath: mediaRoot + "/" + (try partImage())))
        XCTAssertEqual(image.body, Array(onDisk))

        let pdf = try get(client, "/media/part_files/85/1591BTBU.pdf", as: "engineer", ["Range": "bytes=0-9"])
        XCTAssertEqual(pdf.status, 206)
        XCTAssertEqual(pdf.body.count, 10)
        XCTAssertEqual(pdf.header("Content-Disposition"), #"attachment; filename="1591BTBU.pdf""#)
        let etag = try XCTUnwrap(pdf.header("ETag"))
        XCTAssertEqual(try get(client, "/media/part_files/85/1591BTBU.pdf", as: "engineer", ["If-None-Match": etag]).status, 304)

        let svg = try get(client, "/media/attachments/stockitem/2/label.svg", as: "allaccess")
        XCTAssertEqual(svg.status, 200)
        XCTAssertEqual(svg.header("Content-Disposition"), #"attachment; filename="label.svg""#, "SVG can carry script")
    }

    /// The stored password hash of user `id`: a session is bound to it, as Django binds it.
    func passwordHash(of id: Int) throws -> String {
        try pool.withConnection { try $0.query("SELECT password FROM auth_user WHERE id = $1", [id]).singleRow().decode("password") }
    }

    func testSessionsBasicAuthAndBadCredentials() throws {
        let client = try proxy(redis: redis)
        let path = "/media/attachments/purchaseorder/1/quote.txt"
        let sessions = SessionStore(pool: pool, redis: redis)
        let reader = try sessions.create(userID: 2, passwordHash: try passwordHash(of: 2), csrfSecret: "x").cookie
        let engineer = try sessions.create(userID: 3, passwordHash: try passwordHash(of: 3), csrfSecret: "x").cookie
        XCTAssertEqual(try client.get(path, ["Cookie": "sessionid=\(reader)"]).status, 200)
        XCTAssertEqual(try client.get(path, ["Cookie": "sessionid=\(engineer)"]).status, 403)
        let basic = "Basic " + Data("reader:readonly".utf8).base64EncodedString()
        XCTAssertEqual(try client.get(path, ["Authorization": basic]).status, 200)
        let wrong = try client.get(path, ["Authorization": "Token 0123456789abcdef"])
        XCTAssertEqual(wrong.status, 401)
        XCTAssertEqual(wrong.header("Content-Type"), "application/json")
        XCTAssertEqual(wrong.text, #"{"detail": "Invalid token."}"#)

        try connection.execute("UPDATE auth_user SET is_active = false WHERE id = 4")
        defer { _ = try? connection.execute("UPDATE auth_user SET is_active = true WHERE id = 4") }
        XCTAssertEqual(try get(client, path, as: "allaccess").status, 401, "an inactive user sees nothing")
    }

    func testOwnersAreCachedInRedisAndEverythingWorksWithRedisDown() throws {
        let client = try proxy(redis: redis)
        let image = try partImage()
        XCTAssertEqual(try get(client, "/media/" + image, as: "reader").status, 200)
        XCTAssertEqual(try redis.getString("stockroom:media:owner:" + image), "part_part")

        let gone = RedisPool(configuration: .init(address: try RedisAddress(url: "unix://" + mediaRoot + "/no-redis.sock"),
                                                  checkoutTimeout: .milliseconds(100)))
        defer { gone.shutdown() }
        let withoutRedis = try proxy(redis: gone)
        XCTAssertEqual(try statuses(withoutRedis, image),
                       ["admin": 200, "reader": 200, "engineer": 200, "allaccess": 200, "anonymous": 401])
        XCTAssertEqual(try statuses(withoutRedis, "attachments/purchaseorder/1/quote.txt"),
                       ["admin": 200, "reader": 200, "engineer": 403, "allaccess": 200, "anonymous": 401])
        XCTAssertEqual(try get(withoutRedis, "/media/attachments/orphan/stray.pdf", as: "admin").status, 404)
        let sessions = SessionStore(pool: pool, redis: gone)
        let cookie = try sessions.create(userID: 2, passwordHash: try passwordHash(of: 2), csrfSecret: "x").cookie
        XCTAssertEqual(try withoutRedis.get("/media/" + image, ["Cookie": "sessionid=\(cookie)"]).status, 200)
    }

    func testOwnerLookupMapsRenditionsAndAttachments() throws {
        let image = try partImage()
        let thumbnail = image.replacingOccurrences(of: ".jpg", with: ".thumbnail.jpg")
        XCTAssertEqual(try MediaOwnerLookup.query(thumbnail, on: connection), ["part_part"])
        XCTAssertEqual(try MediaOwnerLookup.query("attachments/purchaseorder/1/quote.txt", on: connection), ["order_purchaseorder"])
        XCTAssertEqual(try MediaOwnerLookup.query("part_files/85/1591BTBU.pdf", on: connection), ["part_part"])
        XCTAssertEqual(try MediaOwnerLookup.query("notes/blue.png", on: connection), [])
        try connection.execute("UPDATE part_part SET notes = 'see ![x](/media/notes/blue.png)' WHERE id = 1")
        defer { _ = try? connection.execute("UPDATE part_part SET notes = NULL WHERE id = 1") }
        XCTAssertEqual(try MediaOwnerLookup.query("notes/blue.png", on: connection), ["part_part"])
    }

    func testDecisionsWithoutSockets() {
        XCTAssertEqual(MediaDecision.decide(path: "a.png", owners: [], authentication: .anonymous), .notFound)
        XCTAssertEqual(MediaDecision.decide(path: "a.png", owners: ["part_part"], authentication: .anonymous),
                       .unauthorized("Authentication credentials were not provided."))
        XCTAssertTrue(MediaDecision.isInlineImage("part_images/x.JPG"))
        XCTAssertTrue(MediaDecision.isInlineImage("x.tar.JpEg"))
        XCTAssertFalse(MediaDecision.isInlineImage("x.jp"))
        XCTAssertFalse(MediaDecision.isInlineImage("x.jpgx"))
        XCTAssertFalse(MediaDecision.isInlineImage("jpg"))
        XCTAssertFalse(MediaDecision.isInlineImage("x.svg"))
        XCTAssertFalse(MediaDecision.isInlineImage("dir.png/file"))
    }

    func testTheProcessCacheForgetsARevokedTokenWithinItsLifetime() throws {
        let client = try proxy(redis: redis, cache: MediaLocalCache(ownerLifetime: 10, identityLifetime: 0.3))
        let image = "/media/" + (try partImage())
        XCTAssertEqual(try get(client, image, as: "reader").status, 200)
        try connection.execute("UPDATE users_apitoken SET revoked = true WHERE key = $1", [tokens["reader"] ?? ""])
        defer { _ = try? connection.execute("UPDATE users_apitoken SET revoked = false WHERE key = $1", [tokens["reader"] ?? ""]) }
        usleep(400_000)
        XCTAssertEqual(try get(client, image, as: "reader").status, 401)
        XCTAssertEqual(try get(client, image, as: "reader").status, 401, "failures are not cached as successes")
        XCTAssertEqual(try get(client, "/media/attachments/orphan/stray.pdf", as: "admin").status, 404, "unowned files are not cached")
    }

    /// Once the process cache holds a file's owners and the caller's identity, the route's event-loop
    /// fast path answers as the worker pool did; anything not cached is left to the pool.
    func testTheEventLoopAnswersFromTheProcessCacheAsThePoolDoes() throws {
        let routes = proxyRoutes(redis: redis, cache: MediaLocalCache())
        let client = try proxy(routes: routes)
        let fastPath = try XCTUnwrap(routes.router.routes.first { $0.method == .GET && $0.pattern == "/media/*path" }?.fastPath)
        func request(_ path: String, as user: String?) -> HTTPRequest {
            var headers = HTTPHeaders()
            if let user { headers.add(name: "Authorization", value: "Token " + (tokens[user] ?? "unknown")) }
            return HTTPRequest(method: .GET, path: path, headers: headers)
        }
        let pdf = "/media/part_files/85/1591BTBU.pdf"
        let quote = "/media/attachments/purchaseorder/1/quote.txt"
        XCTAssertNil(fastPath(request(pdf, as: "engineer")), "nothing cached yet")

        let pooled = try get(client, pdf, as: "engineer")
        XCTAssertEqual(pooled.status, 200)
        XCTAssertEqual(try get(client, quote, as: "engineer").status, 403)
        let onLoop = try XCTUnwrap(fastPath(request(pdf, as: "engineer")))
        XCTAssertEqual(onLoop.status, 200)
        XCTAssertEqual(onLoop.headers["Content-Disposition"], pooled.header("Content-Disposition"))
        XCTAssertEqual(onLoop.headers["X-Content-Type-Options"], "nosniff")
        XCTAssertEqual(onLoop.headers["ETag"], pooled.header("ETag"))
        XCTAssertEqual(fastPath(request(quote, as: "engineer"))?.status, 403)

        XCTAssertNil(fastPath(request(pdf, as: nil)), "anonymous callers go to the pool")
        XCTAssertNil(fastPath(request(pdf, as: "reader")), "an identity not cached yet")
        XCTAssertNil(fastPath(request("/media/attachments/orphan/stray.pdf", as: "engineer")), "unowned files are never cached")
        let again = try get(client, pdf, as: "engineer")
        XCTAssertEqual(again.body, pooled.body)
        XCTAssertEqual(again.header("Content-Disposition"), pooled.header("Content-Disposition"))
    }
}
