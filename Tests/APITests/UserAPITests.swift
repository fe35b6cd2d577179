import API
import HTTP
import XCTest

final class UserAPITests: APITestCase {
    func testMeShowsTheSignedInUserWithGroupsAndProfile() throws {
        let me = try json(send(.GET, "/api/user/me/", headers: [basic("engineer", "partsonly")]))
        XCTAssertEqual(me["pk"], .int(3))
        XCTAssertEqual(me["username"], .string("engineer"))
        XCTAssertEqual(me["first_name"], .string("Robert"))
        XCTAssertEqual(me["groups"], .array([.object([("name", .string("engineering")), ("pk", .int(2))])]))
        XCTAssertEqual(me["is_superuser"], .bool(false))
        XCTAssertEqual(me["profile"]?["type"], .string("internal"))
        XCTAssertEqual(me["profile"]?["language"], .null)
        XCTAssertNotNil(me["profile"]?["language"])
        // The list shows the brief profile, without language, theme and widgets.
        let detail = try json(send(.GET, "/api/user/3/", headers: [basic("reader", "readonly")]))
        XCTAssertNil(detail["profile"]?["language"])
        XCTAssertEqual(detail["profile"]?["active"], .bool(true))
        XCTAssertEqual(try json(send(.GET, "/api/user/3", headers: [basic("reader", "readonly")]))["pk"], .int(3))
        let missing = send(.GET, "/api/user/99/", headers: [basic("reader", "readonly")])
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(try json(missing)["detail"], .string("No User matches the given query."))
    }

    func testListPaginatesOnlyWithALimit() throws {
        let auth = [basic("reader", "readonly")]
        guard case .array(let all) = try json(send(.GET, "/api/user/", headers: auth)) else { return XCTFail("expected a list") }
        XCTAssertEqual(all.map { $0["username"] }, ["admin", "reader", "engineer", "allaccess"].map { .string($0) })
        let page = try json(send(.GET, "/api/user/?offset=1&limit=2&ordering=username", headers: auth))
        XCTAssertEqual(page["count"], .int(4))
        XCTAssertEqual(page["next"], .string("http://testserver/api/user/?limit=2&offset=3&ordering=username"))
        XCTAssertEqual(page["previous"], .string("http://testserver/api/user/?limit=2&ordering=username"))
        guard case .array(let results)? = page["results"] else { return XCTFail("no results") }
        XCTAssertEqual(results.map { $0["username"] }, [.string("allaccess"), .string("engineer")])
        let last = try json(send(.GET, "/api/user/?limit=2&offset=3&ordering=username", headers: auth))
        XCTAssertEqual(last["next"], .null)
        XCTAssertEqual(last["previous"], .string("http://testserver/api/user/?limit=2&offset=1&ordering=username"))
        guard case .array(let found) = try json(send(.GET, "/api/user/?search=ron", headers: auth)) else { return XCTFail() }
        XCTAssertEqual(found.map { $0["username"] }, [.string("reader")])
        guard case .array(let staff) = try json(send(.GET, "/api/user/?is_staff=true", headers: auth)) else { return XCTFail() }
        XCTAssertEqual(staff.map { $0["username"] }, [.string("admin")])
        XCTAssertEqual(send(.GET, "/api/user/?is_staff=maybe", headers: auth).status, 400)
    }

    func testRolesMatchInvenTreesRuleSets() throws {
        let reader = try json(send(.GET, "/api/user/me/roles/", headers: [basic("reader", "readonly")]))
        XCTAssertEqual(try json(send(.GET, "/api/user/roles/", headers: [basic("reader", "readonly")])), reader)
        XCTAssertEqual(keys(reader["roles"]).count, 11)
        XCTAssertEqual(reader["roles"]?["stock"], .array([.string("view")]))
        XCTAssertEqual(reader["roles"]?["transfer_order"], .null)
        XCTAssertEqual(reader["permissions"]?["stockitem"], .array([.string("view")]))
        XCTAssertEqual(reader["is_staff"], .bool(false))

        let engineer = try json(send(.GET, "/api/user/roles/", headers: [basic("engineer", "partsonly")]))
        XCTAssertEqual(engineer["roles"]?["part"], .array(["view", "add", "change", "delete"].map { .string($0) }))
        XCTAssertEqual(engineer["roles"]?["purchase_order"], .null)
        XCTAssertEqual(engineer["roles"]?["stock"], .array([.string("view")]))
        XCTAssertEqual(engineer["permissions"]?["part"], .array(["add", "change", "delete", "view"].map { .string($0) }))
        XCTAssertNil(engineer["permissions"]?["purchaseorder"])

        let admin = try json(send(.GET, "/api/user/roles/", headers: [basic("admin", "inventree")]))
        XCTAssertEqual(admin["user"], .int(1))
        XCTAssertEqual(admin["is_superuser"], .bool(true))
        XCTAssertEqual(admin["roles"]?["transfer_order"], .array(["view", "add", "change", "delete"].map { .string($0) }))

        // `/api/user/me/?roles=true` carries the same roles and permissions; without the flag, neither.
        let me = try json(send(.GET, "/api/user/me/?roles=true", headers: [basic("engineer", "partsonly")]))
        XCTAssertEqual(me["roles"], engineer["roles"])
        XCTAssertEqual(me["permissions"], engineer["permissions"])
        XCTAssertNil(try json(send(.GET, "/api/user/me/", headers: [basic("engineer", "partsonly")]))["roles"])
    }

    func testRuleSetsAndProfile() throws {
        let auth = [basic("reader", "readonly")]
        guard case .array(let sets) = try json(send(.GET, "/api/user/ruleset/?group=2&ordering=name", headers: auth)) else {
            return XCTFail("expected a list")
        }
        XCTAssertEqual(sets.count, 11)
        XCTAssertEqual(sets.first?["name"], .string("admin"))
        XCTAssertEqual(sets.first { $0["name"] == .string("part") }?["can_delete"], .bool(true))
        XCTAssertEqual(send(.GET, "/api/user/ruleset/?name=nothing", headers: auth).status, 400)
        let one = try json(send(.GET, "/api/user/ruleset/1/", headers: auth))
        XCTAssertEqual(one["label"], .string("Admin"))
        XCTAssertEqual(one["group"], .int(1))
        let profile = try json(send(.GET, "/api/user/me/profile/", headers: auth))
        XCTAssertEqual(profile["type"], .string("internal"))
        XCTAssertEqual(profile["primary_group"], .null)
    }

    func testTokenIsIssuedOnceByNameAndThenAuthenticates() throws {
        let first = try json(send(.GET, "/api/user/me/token/?name=inventree-python-client", headers: [basic("allaccess", "nolimits")]))
        guard let key = first["token"]?.stringValue else { return XCTFail("no token") }
        XCTAssertTrue(key.hasPrefix("inv-"))
        XCTAssertEqual(first["name"], .string("inventree-python-client"))
        XCTAssertNotEqual(first["expiry"], .null)
        let again = try json(send(.GET, "/api/user/token/?name=inventree-python-client", headers: [basic("allaccess", "nolimits")]))
        XCTAssertEqual(again["token"], .string(key))
        let me = try json(send(.GET, "/api/user/me/", headers: [("Authorization", "Token \(key)")]))
        XCTAssertEqual(me["username"], .string("allaccess"))
        let remote = try pool.withConnection {
            try $0.query("SELECT metadata->>'remote_addr' AS remote FROM users_apitoken").singleRow().decode("remote", as: String.self)
        }
        XCTAssertEqual(remote, "192.0.2.7")
    }

    func testGroupsAndOwners() throws {
        let auth = [basic("reader", "readonly")]
        guard case .array(let groups) = try json(send(.GET, "/api/user/group/", headers: auth)) else { return XCTFail() }
        XCTAssertEqual(groups.map { $0["name"] }, ["readers", "engineering", "all access"].map { .string($0) })
        XCTAssertEqual(Set(keys(groups[0])), ["pk", "name"])
        let detailed = try json(send(.GET, "/api/user/group/2/?role_detail=true&user_detail=true&permission_detail=true", headers: auth))
        guard case .array(let roles)? = detailed["roles"] else { return XCTFail("no roles") }
        XCTAssertEqual(roles.count, 11)
        XCTAssertEqual(roles.first { $0["name"] == .string("bom") }?["label"], .string("Bills of Material"))
        XCTAssertEqual(detailed["users"], .array([.object([
            ("email", .string("")), ("first_name", .string("Robert")), ("last_name", .string("Shuruncle")),
            ("pk", .int(3)), ("username", .string("engineer"))])]))
        XCTAssertEqual(detailed["permissions"]?["partcategory"], .array(["add", "change", "delete", "view"].map { .string($0) }))
        XCTAssertEqual(send(.GET, "/api/user/group/9/", headers: auth).status, 404)

        guard case .array(let owners) = try json(send(.GET, "/api/user/owner/", headers: auth)) else { return XCTFail() }
        XCTAssertEqual(owners.count, 7)
        guard case .array(let found) = try json(send(.GET, "/api/user/owner/?search=engineer", headers: auth)) else { return XCTFail() }
        // "engineer" is in the group "engineering" and the user "engineer".
        XCTAssertEqual(found.map { $0["owner_model"] }, [.string("group"), .string("user")])
        try pool.withConnection { _ = try $0.execute("INSERT INTO common_inventreesetting (key, value) VALUES ('DISPLAY_FULL_NAMES', 'True')") }
        let owner = try json(send(.GET, "/api/user/owner/6/", headers: auth))
        XCTAssertEqual(owner["name"], .string("Robert Shuruncle"))
        XCTAssertEqual(owner["owner_id"], .int(3))
        XCTAssertEqual(owner["label"], .string("user"))
    }
}
