import Inventory
import Postgres
import XCTest

final class StockOperationTests: InventoryTestCase {
    func testCountSetsTheQuantityAndRecordsStockCount() throws {
        let id = try makeItem(quantity: "100")
        try inventory.perform(userID: 1) { try $0.count(itemID: id, quantity: 42.5, notes: "counted") }
        XCTAssertEqual(try item(id)?[0], "42.5")
        XCTAssertEqual(try tracking(id), [#"10 {"quantity": 42.5}"#])
        XCTAssertEqual(try connection.query("SELECT user_id, notes, part_id FROM stock_stockitemtracking WHERE item_id = $1", [id])
            .singleRow().decode(1, as: String.self), "counted")
        let error = validationError { try inventory.perform(userID: 1) { try $0.count(itemID: id, quantity: -1) } }
        XCTAssertEqual(error?.fields["quantity"], ["Ensure this value is greater than or equal to 0."])
        let missing = validationError { try inventory.perform(userID: 1) { try $0.count(itemID: 999_999, quantity: 1) } }
        XCTAssertEqual(missing?.fields["pk"], [#"Invalid pk "999999" - object does not exist."#])
    }

    func testAddAndRemoveRecordTheirDeltasAndDepletionDeletes() throws {
        let id = try makeItem(quantity: "10")
        try inventory.perform(userID: 1) { try $0.add(itemID: id, quantity: 5) }
        try inventory.perform(userID: 1) { try $0.remove(itemID: id, quantity: 3) }
        XCTAssertEqual(try item(id)?[0], "12")
        XCTAssertEqual(try tracking(id), [#"11 {"added": 5.0, "quantity": 15.0}"#, #"12 {"removed": 3.0, "quantity": 12.0}"#])

        let tooMuch = validationError { try inventory.perform(userID: 1) { try $0.remove(itemID: id, quantity: 13) } }
        XCTAssertEqual(tooMuch?.fields["quantity"], ["Quantity must not exceed available stock quantity (12)"])
        let zero = validationError { try inventory.perform(userID: 1) { try $0.add(itemID: id, quantity: 0) } }
        XCTAssertEqual(zero?.fields["quantity"], ["Quantity must be greater than zero"])

        try inventory.perform(userID: 1) { try $0.remove(itemID: id, quantity: 12) }
        XCTAssertNil(try item(id), "an item removed to zero with delete_on_deplete is deleted")

        let kept = try makeItem(quantity: "4", extra: "delete_on_deplete = false")
        try inventory.perform(userID: 1) { try $0.remove(itemID: kept, quantity: 4) }
        XCTAssertEqual(try item(kept)?[0], "0")
    }

    func testPartialTransferSplitsTheItem() throws {
        let id = try makeItem(quantity: "100", location: 8, extra: "batch = 'B1'")
        let newID = try inventory.perform(userID: 1) {
            try $0.transfer(itemID: id, quantity: 30, locationID: 10, changes: .init(packaging: "bag"), notes: "half")
        }
        XCTAssertNotEqual(newID, id)
        XCTAssertEqual(try item(id)?[0], "70")
        XCTAssertEqual(try item(id)?[1], "8")
        let moved = try XCTUnwrap(try item(newID, "quantity::float8::text, location_id, parent_id, batch, packaging"))
        XCTAssertEqual(moved, ["30", "10", String(id), "B1", "bag"])
        XCTAssertEqual(try tracking(newID), ["40 {\"location\": 10, \"quantity\": 30.0, \"packaging\": \"bag\", \"stockitem\": \(id)}"])
        XCTAssertEqual(try tracking(id), ["42 {\"removed\": 30.0, \"location\": 10, \"quantity\": 70.0, \"stockitem\": \(newID)}"])
    }

    func testWholeTransferMovesAndValidatesTheLocation() throws {
        let id = try makeItem(quantity: "5", location: 8)
        let movedID = try inventory.perform(userID: 1) { try $0.transfer(itemID: id, locationID: 11) }
        XCTAssertEqual(movedID, id)
        XCTAssertEqual(try item(id)?[1], "11")
        try inventory.perform(userID: 1) { try $0.transfer(itemID: id, locationID: 11, notes: "checked") }
        XCTAssertEqual(try tracking(id), [#"20 {"location": 11}"#, "25 {}"])

        let missing = validationError { try inventory.perform(userID: 1) { try $0.transfer(itemID: id, locationID: 9999) } }
        XCTAssertEqual(missing?.fields["location"], [#"Invalid pk "9999" - object does not exist."#])
        let structural = validationError { try inventory.perform(userID: 1) { try $0.transfer(itemID: id, locationID: 13) } }
        XCTAssertEqual(structural?.fields["location"], ["Cannot assign stock to structural location"])
        let tooMuch = validationError { try inventory.perform(userID: 1) { try $0.transfer(itemID: id, quantity: 6, locationID: 8) } }
        XCTAssertEqual(tooMuch?.fields["quantity"], ["Quantity must not exceed available stock quantity (5)"])
        let damaged = try makeItem(quantity: "5", extra: "status = 60")
        let notInStock = validationError { try inventory.perform(userID: 1) { try $0.transfer(itemID: damaged, locationID: 10) } }
        XCTAssertEqual(notInStock?.nonField, ["StockItem cannot be moved as it is not in stock"])
    }

    func testAssignToCustomerAndReturn() throws {
        let id = try makeItem(part: 94, quantity: "2", location: 8)
        let notCustomer = validationError { try inventory.perform(userID: 1) { try $0.assignToCustomer(itemIDs: [id], customerID: 1) } }
        XCTAssertEqual(notCustomer?.fields["customer"], ["Selected company is not a customer"])
        let notSalable = try makeItem(part: 28, quantity: "2")
        let salable = validationError { try inventory.perform(userID: 1) { try $0.assignToCustomer(itemIDs: [notSalable], customerID: 30) } }
        XCTAssertEqual(salable?.fields["item"], ["Part must be salable"])

        try inventory.perform(userID: 1) { try $0.assignToCustomer(itemIDs: [id], customerID: 30, notes: "sold") }
        XCTAssertEqual(try item(id).map { [$0[1], $0[2]] }, [nil, "30"])
        try inventory.perform(userID: 1) { try $0.returnFromCustomer(itemID: id, locationID: 10, status: 85) }
        XCTAssertEqual(try item(id).map { [$0[1], $0[2], $0[4]] }, ["10", nil, "85"])
        XCTAssertEqual(try tracking(id), [
            #"100 {"customer": 30, "customer_name": "Customer A"}"#,
            #"105 {"status": 85, "customer": 30, "location": 10, "customer_name": "Customer A"}"#,
        ])
    }

    func testMergeCombinesItemsIntoTheFirst() throws {
        let first = try makeItem(quantity: "10", location: 8)
        let second = try makeItem(quantity: "15", location: 10)
        let survivor = try inventory.perform(userID: 1) { try $0.merge(itemIDs: [first, second], locationID: 11) }
        XCTAssertEqual(survivor, first)
        XCTAssertEqual(try item(first).map { [$0[0], $0[1]] }, ["25", "11"])
        XCTAssertNil(try item(second))
        XCTAssertEqual(try tracking(first), [#"45 {"location": 11, "quantity": 25.0}"#])

        let otherPart = try makeItem(part: 29, quantity: "1")
        let mismatch = validationError { try inventory.perform(userID: 1) { try $0.merge(itemIDs: [first, otherPart], locationID: 8) } }
        XCTAssertEqual(mismatch?.nonField, ["Stock items must refer to the same part"])
        let alone = validationError { try inventory.perform(userID: 1) { try $0.merge(itemIDs: [first], locationID: 8) } }
        XCTAssertEqual(alone?.nonField, ["At least two stock items must be provided"])
        let otherStatus = try makeItem(quantity: "1", extra: "status = 50")
        let status = validationError { try inventory.perform(userID: 1) { try $0.merge(itemIDs: [first, otherStatus], locationID: 8) } }
        XCTAssertEqual(status?.nonField, ["Stock status codes must match"])
        try inventory.perform(userID: 1) { try $0.merge(itemIDs: [first, otherStatus], locationID: 8, allowMismatchedStatus: true) }
        XCTAssertEqual(try item(first)?[0], "26")
    }

    func testChangeStatusSkipsItemsAlreadyThere() throws {
        let first = try makeItem(quantity: "1")
        let second = try makeItem(quantity: "1", extra: "status = 55")
        try inventory.perform(userID: 1) { try $0.changeStatus(itemIDs: [first, second], status: 55, notes: "dropped") }
        XCTAssertEqual(try tracking(first), [#"5 {"status": 55}"#])
        XCTAssertEqual(try tracking(second), [])
        let bad = validationError { try inventory.perform(userID: 1) { try $0.changeStatus(itemIDs: [first], status: 11) } }
        XCTAssertEqual(bad?.fields["status"], [#""11" is not a valid choice."#])
    }

    func testInstallAndUninstall() throws {
        let pair = try connection.query("""
            SELECT b.part_id, b.sub_part_id FROM part_bomitem b JOIN part_part p ON p.id = b.sub_part_id
            WHERE NOT p.trackable ORDER BY b.id LIMIT 1
            """).singleRow()
        let assemblyPart = try pair.decode(0, as: Int.self)
        let subPart = try pair.decode(1, as: Int.self)
        let assembly = try makeItem(part: assemblyPart, quantity: "1")
        let component = try makeItem(part: subPart, quantity: "10")
        let installed = try inventory.perform(userID: 1) { try $0.install(itemID: component, into: assembly, quantity: 4) }
        XCTAssertNotEqual(installed, component)
        XCTAssertEqual(try item(installed).map { [$0[0], $0[3]] }, ["4", String(assembly)])
        XCTAssertEqual(try item(component)?[0], "6")
        XCTAssertEqual(try tracking(installed).last, "30 {\"stockitem\": \(assembly)}")
        XCTAssertEqual(try tracking(assembly), ["35 {\"stockitem\": \(installed)}"])

        let unrelated = try makeItem(part: 94, quantity: "1")
        let notInBOM = validationError { try inventory.perform(userID: 1) { try $0.install(itemID: unrelated, into: assembly) } }
        XCTAssertEqual(notInBOM?.fields["stock_item"], ["Selected part is not in the Bill of Materials"])

        try inventory.perform(userID: 1) { try $0.uninstall(itemID: installed, locationID: 11, notes: "out") }
        XCTAssertEqual(try item(installed).map { [$0[1], $0[3]] }, ["11", nil])
        XCTAssertEqual(try tracking(assembly).last, "36 {\"stockitem\": \(installed)}")
        XCTAssertEqual(try tracking(installed).last, "31 {\"location\": 11, \"stockitem\": \(assembly)}")
        let notInstalled = validationError { try inventory.perform(userID: 1) { try $0.uninstall(itemID: installed, locationID: 11) } }
        XCTAssertEqual(notInstalled?.nonField, ["Stock item is not installed in another item"])
    }

    func testSerializeCreatesOneItemPerSerial() throws {
        let id = try makeItem(part: 77, quantity: "10", location: 8)
        let next = try inventory.perform(userID: 1) { try $0.nextSerial(partID: 77) }
        let base = try XCTUnwrap(Int(next ?? ""))
        let serialText = "\(base + 1000)-\(base + 1002), \(base + 1010)"
        let created = try inventory.perform(userID: 1) {
            try $0.serialize(itemID: id, quantity: 4, serialNumbers: serialText, locationID: 10)
        }
        XCTAssertEqual(created.count, 4)
        XCTAssertEqual(try item(id)?[0], "6")
        XCTAssertEqual(try item(created[0], "serial, serial_int::text, quantity::float8::text, location_id, parent_id"),
                       [String(base + 1000), String(base + 1000), "1", "10", String(id)])
        XCTAssertEqual(try tracking(created[3]), [#"40 {"location": 10, "quantity": 1.0}"#,
                                                  "6 {\"serial\": \"\(base + 1010)\", \"location\": 10}"])
        XCTAssertEqual(try tracking(id), [#"13 {"removed": 4.0, "quantity": 6.0}"#])

        let again = validationError {
            try inventory.perform(userID: 1) { try $0.serialize(itemID: id, quantity: 1, serialNumbers: String(base + 1001)) }
        }
        XCTAssertEqual(again?.fields["serial_numbers"], ["The following serial numbers already exist or are invalid : \(base + 1001)"])
        let plain = try makeItem(part: 28, quantity: "3")
        let untracked = validationError { try inventory.perform(userID: 1) { try $0.serialize(itemID: plain, quantity: 1, serialNumbers: "1") } }
        XCTAssertEqual(untracked?.fields["part"], ["Part is not set as trackable"])
        let wrongCount = validationError { try inventory.perform(userID: 1) { try $0.serialize(itemID: id, quantity: 2, serialNumbers: "1-5") } }
        XCTAssertEqual(wrongCount?.fields["serial_numbers"], ["Group range 1-5 exceeds allowed quantity (2)"])
    }

    func testAFailedTransactionLeavesNothingBehind() throws {
        struct Abort: Error {}
        let id = try makeItem(quantity: "10")
        XCTAssertThrowsError(try inventory.perform(userID: 1) { stock in
            try stock.add(itemID: id, quantity: 5)
            _ = try stock.transfer(itemID: id, quantity: 3, locationID: 10)
            throw Abort()
        })
        XCTAssertEqual(try item(id)?[0], "10")
        XCTAssertEqual(try tracking(id), [])
        XCTAssertEqual(try connection.query("SELECT count(*) FROM stock_stockitem WHERE parent_id = $1", [id])
            .singleRow().decode(0, as: Int.self), 0)
    }

    func testConcurrentRemovalsOnOneItemAllCount() throws {
        let id = try makeItem(quantity: "100")
        let threads = 4, perThread = 10
        let group = DispatchGroup()
        let failures = FailureList()
        for _ in 0..<threads {
            group.enter()
            Thread.detachNewThread { [inventory] in
                defer { group.leave() }
                for _ in 0..<perThread {
                    do { try inventory!.perform(userID: 1) { try $0.remove(itemID: id, quantity: 1) } } catch { failures.append("\(error)") }
                }
            }
        }
        XCTAssertEqual(group.wait(timeout: .now() + 60), .success)
        XCTAssertEqual(failures.items, [])
        XCTAssertEqual(try item(id)?[0], "60")
        let quantities = try tracking(id).compactMap { $0.split(separator: " ").last.map(String.init) }
        XCTAssertEqual(quantities.count, threads * perThread)
        XCTAssertEqual(Set(quantities).count, threads * perThread, "each removal saw the result of the one before")
    }
}

final class FailureList: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func append(_ item: String) { lock.lock(); list.append(item); lock.unlock() }
    var items: [String] { lock.lock(); defer { lock.unlock() }; return list }
}
