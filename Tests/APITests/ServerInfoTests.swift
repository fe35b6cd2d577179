import API
import HTTP
import XCTest

final class ServerInfoTests: APITestCase {
    override var configurationValues: [String: String] { ["language": "de-de"] }

    func testAnonymousInfoHasInvenTreesFieldsWithStaffOnlyOnesNull() throws {
        let response = send(.GET, "/api/")
        XCTAssertEqual(response.status, 200)
        let info = try json(response)
        guard case .bytes(let raw) = response.body else { return XCTFail("no body") }
        XCTAssertTrue(String(decoding: raw, as: UTF8.self).hasPrefix("{\"server\":\"InvenTree\",\"id\":null,\"version\":\"9.9.9\""))
        XCTAssertEqual(Set(keys(info)), [
            "server", "id", "version", "instance", "apiVersion", "worker_running", "worker_count", "worker_pending_tasks",
            "plugins_enabled", "plugins_install_disabled", "email_configured", "debug_mode", "docker_mode",
            "default_locale", "customize", "active_plugins", "system_health", "database", "platform", "installer",
            "target", "django_admin", "settings"])
        XCTAssertEqual(info["apiVersion"], .int(530))
        XCTAssertEqual(info["instance"], .string("InvenTree"))
        XCTAssertEqual(info["default_locale"], .string("de-de"))
        XCTAssertEqual(info["worker_running"], .bool(false))
        for field in ["active_plugins", "system_health", "database", "platform", "installer", "target", "django_admin"] {
            XCTAssertEqual(info[field], .null, field)
        }
    }

    func testStaffSeeTheServerAndSettingsComeFromTheDatabase() throws {
        try pool.withConnection { connection in
            _ = try connection.execute("INSERT INTO common_inventreesetting (key, value) VALUES ('INVENTREE_INSTANCE', 'Stores')")
            _ = try connection.execute("INSERT INTO daemon_instances (kind, host, pid) VALUES ('worker', 'h', 42)")
        }
        let info = try json(send(.GET, "/api/", headers: [basic("admin", "inventree")]))
        XCTAssertEqual(info["instance"], .string("Stores"))
        XCTAssertEqual(info["worker_running"], .bool(true))
        XCTAssertEqual(info["worker_count"], .int(1))
        XCTAssertEqual(info["database"], .string("postgresql"))
        XCTAssertEqual(info["active_plugins"], .array([]))
        XCTAssertEqual(info["platform"]?.stringValue?.hasPrefix("Linux-"), true)
        // A non-staff user still sees null.
        XCTAssertEqual(try json(send(.GET, "/api/", headers: [basic("allaccess", "nolimits")]))["database"], .null)
    }

    func testUnknownEndpointsAndMissingCredentials() throws {
        let missing = send(.POST, "/api/nothing/here/?x=1")
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(try json(missing), .object([("detail", .string("API endpoint not found")),
                                                   ("url", .string("http://testserver/api/nothing/here/?x=1"))]))
        let anonymous = send(.GET, "/api/user/me/")
        XCTAssertEqual(anonymous.status, 401)
        XCTAssertEqual(try json(anonymous), .object([("detail", .string("Authentication credentials were not provided."))]))
        XCTAssertEqual(anonymous.headers["WWW-Authenticate"], "Basic realm=\"api\"")
        let wrong = send(.GET, "/api/user/me/", headers: [basic("admin", "wrong")])
        XCTAssertEqual(wrong.status, 401)
        XCTAssertEqual(try json(wrong)["detail"], .string("Invalid username/password."))
        XCTAssertEqual(send(.GET, "/api/user/me/", headers: [("Authorization", "Token inv-0000")]).status, 401)
    }

    func testMethodsAnEndpointLacksGetDRFs405AfterAuthentication() throws {
        XCTAssertEqual(send(.POST, "/api/user/me/").status, 401)
        let refused = send(.PUT, "/api/user/roles/", headers: [basic("reader", "readonly")])
        XCTAssertEqual(refused.status, 405)
        XCTAssertEqual(try json(refused), .object([("detail", .string("Method \"PUT\" not allowed."))]))
        XCTAssertEqual(refused.headers["Allow"], "GET, HEAD")
        XCTAssertEqual(send(.DELETE, "/api/").status, 405)
        XCTAssertEqual(send(.HEAD, "/api/").status, 200)
    }
}
