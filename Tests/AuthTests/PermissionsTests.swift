import Auth
import XCTest

final class PermissionsTests: XCTestCase {
    func engineer() -> Permissions {
        var grants = RoleGrants()
        grants.grant(.part, view: true, add: true, change: true, delete: true)
        grants.grant(.stock, view: true, add: false, change: false, delete: false)
        grants.grant(.purchaseOrder, view: false, add: false, change: false, delete: false)
        return Permissions(isActive: true, isSuperuser: false, isStaff: false, grants: grants)
    }

    func testRolesAreInInvenTreesOrder() {
        XCTAssertEqual(RuleSet.allCases.map(\.rawValue), [
            "admin", "part_category", "part", "bom", "stock_location", "stock", "build", "purchase_order",
            "sales_order", "return_order", "transfer_order"])
    }

    func testGrantsAndRequire() {
        let permissions = engineer()
        XCTAssertTrue(permissions.has(.part, .delete))
        XCTAssertEqual(permissions.allowed(.stock), [.view])
        XCTAssertEqual(permissions.allowed(.purchaseOrder), [])
        XCTAssertNoThrow(try permissions.require(.stock, .view))
        XCTAssertThrowsError(try permissions.require(.stock, .change)) {
            XCTAssertEqual($0 as? Permissions.Denied, Permissions.Denied(role: .stock, permission: .change))
        }
    }

    func testUnionOverGroups() {
        var grants = RoleGrants()
        grants.grant(.stock, view: true, add: false, change: false, delete: false)
        grants.grant(.stock, view: false, add: true, change: true, delete: false)
        let permissions = Permissions(isActive: true, isSuperuser: false, isStaff: false, grants: grants)
        XCTAssertEqual(permissions.allowed(.stock), [.view, .add, .change])
    }

    func testSuperusersPassAllAndInactiveUsersNothing() {
        let root = Permissions(isActive: true, isSuperuser: true, isStaff: true, grants: RoleGrants())
        XCTAssertTrue(RuleSet.allCases.allSatisfy { root.allowed($0) == Permission.allCases })
        let gone = Permissions(isActive: false, isSuperuser: true, isStaff: true, grants: RoleGrants())
        XCTAssertFalse(gone.has(.part, .view))
        XCTAssertFalse(gone.has(table: "users_owner", .view))
    }

    func testTablePermissionsFollowInvenTreesMap() {
        let permissions = engineer()
        XCTAssertTrue(permissions.has(table: "part_part", .change))
        XCTAssertTrue(permissions.has(table: "stock_stockitem", .view))
        XCTAssertFalse(permissions.has(table: "stock_stockitem", .add))
        // company_supplierpart is governed by both `part` and `purchase_order`: either suffices.
        XCTAssertTrue(permissions.has(table: "company_supplierpart", .add))
        XCTAssertFalse(permissions.has(table: "order_purchaseorder", .view))
        // part_bomitem: change on `part` allows it even without a `bom` rule set (RULESET_CHANGE_INHERIT).
        XCTAssertTrue(permissions.has(table: "part_bomitem", .delete))
        XCTAssertTrue(permissions.has(table: "common_projectcode", .delete))
    }

    func testGrantsRoundTripThroughTheCacheText() {
        let grants = engineer().grants
        XCTAssertEqual(RoleGrants(encoded: grants.encoded), grants)
        XCTAssertEqual(RoleGrants(encoded: ""), RoleGrants())
        XCTAssertNil(RoleGrants(encoded: "nosuchrole:1"))
        XCTAssertNil(RoleGrants(encoded: "part:99"))
    }
}
