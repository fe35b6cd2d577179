import Foundation
import Postgres
import XCTest

/// Rough throughput of the query path (prepared statement, parameter, decoding), printed for reading;
/// the floor asserted is far below what the machine does, only to catch a pathological regression.
final class PostgresThroughputTests: PostgresTestCase {
    func testRepeatedPointQueriesOnOneConnection() throws {
        let connection = try connect()
        try connection.runScript("""
            CREATE TABLE catalogue (id int PRIMARY KEY, name text NOT NULL, price numeric, updated timestamptz DEFAULT now());
            INSERT INTO catalogue (id, name, price) SELECT g, 'part ' || g, g * 1.25 FROM generate_series(1, 1000) g
            """)
        let lookup = "SELECT id, name, price, updated FROM catalogue WHERE id = $1"
        let count = 10_000
        let start = Date()
        var checksum = 0
        for index in 0..<count {
            let row = try connection.query(lookup, [index % 1000 + 1]).singleRow()
            let id: Int = try row.decode("id")
            let name: String = try row.decode("name")
            let price: String? = try row.decode("price")
            let updated: Date = try row.decode("updated")
            checksum += id + name.utf8.count + (price?.utf8.count ?? 0) + (updated.timeIntervalSince1970 > 0 ? 1 : 0)
        }
        let rate = Double(count) / Date().timeIntervalSince(start)
        print("PostgresThroughputTests: \(Int(rate)) point queries per second on one connection")
        XCTAssertGreaterThan(checksum, 0)
        XCTAssertGreaterThan(rate, 500)
    }

    func testPooledQueriesFromFourThreads() throws {
        let pool = PostgresPool(url: databaseURL, maximumConnections: 4)
        let perThread = 5_000
        let group = DispatchGroup()
        final class Errors: @unchecked Sendable { let lock = NSLock(); var list: [String] = [] }
        let errors = Errors()
        let start = Date()
        for thread in 0..<4 {
            group.enter()
            Thread {
                defer { group.leave() }
                for index in 0..<perThread {
                    do {
                        let value = try pool.withConnection {
                            try $0.query("SELECT $1::int8 + $2::int8 AS sum", [thread, index]).singleRow().decode("sum", as: Int.self)
                        }
                        if value != thread + index { throw PostgresError(.usage, "wrong sum \(value)") }
                    } catch {
                        errors.lock.lock(); errors.list.append("\(error)"); errors.lock.unlock()
                        return
                    }
                }
            }.start()
        }
        group.wait()
        let rate = Double(4 * perThread) / Date().timeIntervalSince(start)
        print("PostgresThroughputTests: \(Int(rate)) pooled queries per second from 4 threads")
        XCTAssertEqual(errors.list, [])
        XCTAssertGreaterThan(rate, 500)
    }
}
