import API
import Postgres
import TestSupport
import XCTest

/// The resources' statements keep their generic plans on every connection (planning them per execution costs more
/// than running them), including a connection whose first statement ran in a transaction that rolled back.
final class GenericPlanTests: XCTestCase {
    func testARolledBackFirstTransactionLeavesGenericPlansOn() throws {
        let environment = try TestEnvironment.current()
        let url = try environment.freshDatabase(named: "test_generic_plans")
        defer { try? environment.dropDatabase(named: "test_generic_plans") }
        let connection = try PostgresConnection(url)
        struct Abort: Error {}
        XCTAssertThrowsError(try connection.transaction { connection in
            try ResourceSQL.query(connection, "SELECT 1")
            throw Abort()
        })
        let mode = try ResourceSQL.query(connection, "SELECT current_setting('plan_cache_mode')").singleRow().decode(0, as: String.self)
        XCTAssertEqual(mode, "force_generic_plan")
    }
}
