import FoundationEssentials
import HTTP
import Inventory
import Postgres

/// InvenTree's stock actions (stock/serializers.py): `stock/count/`, `add/`, `remove/`, `transfer/`, `assign/`,
/// `merge/`, `change_status/`, `return/`, and per item `install/`, `uninstall/`, `return/`, `serialize/`. Each
/// request is one transaction through the Inventory library; 201 echoes the validated request as DRF does.
enum StockActions {
    static let adjustItemFields: Set<String> = ["pk", "quantity", "batch", "status", "packaging"]

    static func register(_ router: APIRouter, _ context: APIContext) {
        action(router, context, "/api/stock/count/") { input, stock in
            let notes = input.string("notes")
            return try adjust(&input, stock) { item in try stock.count(itemID: item.pk, quantity: item.quantity, notes: notes) }
        }
        action(router, context, "/api/stock/add/") { input, stock in
            let notes = input.string("notes")
            return try adjust(&input, stock) { item in try stock.add(itemID: item.pk, quantity: item.quantity, notes: notes) }
        }
        action(router, context, "/api/stock/remove/") { input, stock in
            let notes = input.string("notes")
            return try adjust(&input, stock) { item in try stock.remove(itemID: item.pk, quantity: item.quantity, notes: notes) }
        }
        action(router, context, "/api/stock/transfer/") { input, stock in
            let location = try input.related("location", table: "stock_stocklocation", connection: stock.connection)
            let notes = input.string("notes")
            return try adjust(&input, stock, extra: location.map { [("location", JSONValue.int($0))] } ?? []) { item in
                guard let location else { return }
                try stock.transfer(itemID: item.pk, quantity: item.quantity, locationID: location,
                                   changes: .init(batch: item.batch, status: item.status, packaging: item.packaging),
                                   notes: notes)
            }
        }
        action(router, context, "/api/stock/assign/") { input, stock in
            let customer = try input.related("customer", table: "company_company", connection: stock.connection)
            let items = try readItemKeys(&input, stock)
            try input.check()
            for (index, id) in items.enumerated() {
                guard let customer else { break }
                try perform(input, index: index, itemFields: ["item"]) {
                    try stock.assignToCustomer(itemIDs: [id], customerID: customer, notes: input.string("notes"))
                }
            }
            return .object([("items", .array(items.map { .object([("item", .int($0))]) })), ("customer", customer.map(JSONValue.int) ?? .null),
                            ("notes", .string(input.string("notes")))])
        }
        action(router, context, "/api/stock/merge/") { input, stock in
            let location = try input.related("location", table: "stock_stocklocation", connection: stock.connection)
            let items = try readItemKeys(&input, stock)
            try input.check()
            if let location {
                try perform(input, index: nil, itemFields: []) {
                    try stock.merge(itemIDs: items, locationID: location, notes: input.string("notes"),
                                    allowMismatchedSuppliers: input.bool("allow_mismatched_suppliers"),
                                    allowMismatchedStatus: input.bool("allow_mismatched_status"))
                }
            }
            return .object([("items", .array(items.map { .object([("item", .int($0))]) })), ("location", location.map(JSONValue.int) ?? .null),
                            ("notes", .string(input.string("notes"))),
                            ("allow_mismatched_suppliers", .bool(input.bool("allow_mismatched_suppliers"))),
                            ("allow_mismatched_status", .bool(input.bool("allow_mismatched_status")))])
        }
        action(router, context, "/api/stock/change_status/") { input, stock in
            var ids: [Int] = []
            switch input.body["items"] {
            case nil: input.fail("items", ValidationErrors.Message.required)
            case .array(let values)?:
                for value in values {
                    guard let id = ResourceWriter.integer(value) else {
                        input.fail("items", ValidationErrors.Message.pkType(ResourceWriter.typeName(value)))
                        continue
                    }
                    if try ResourceSQL.query(stock.connection, "SELECT 1 FROM stock_stockitem WHERE id = $1", [id]).isEmpty {
                        input.fail("items", ValidationErrors.Message.missingObject(String(id)))
                    } else {
                        ids.append(id)
                    }
                }
                if values.isEmpty { input.fail("items", "This list may not be empty.") }
            case let other?: input.fail("items", "Expected a list of items but got type \"\(ResourceWriter.typeName(other))\".")
            }
            let status = readStatus(&input, required: true)
            try input.check()
            if let status {
                try perform(input, index: nil, itemFields: []) {
                    try stock.changeStatus(itemIDs: ids, status: status, notes: input.string("note"))
                }
            }
            return .object([("items", .array(ids.map(JSONValue.int))), ("status", status.map(JSONValue.int) ?? .null),
                            ("note", .string(input.string("note")))])
        }
        action(router, context, "/api/stock/return/") { input, stock in
            let location = try input.related("location", table: "stock_stocklocation", connection: stock.connection)
            let items = try readItemKeys(&input, stock)
            let status = readStatus(&input, required: false)
            try input.check()
            for (index, id) in items.enumerated() {
                guard let location else { break }
                try perform(input, index: index, itemFields: ["item"]) {
                    try stock.returnFromCustomer(itemID: id, locationID: location, status: status, notes: input.string("notes"))
                }
            }
            return .object([("items", .array(items.map { .object([("item", .int($0))]) })), ("location", location.map(JSONValue.int) ?? .null),
                            ("notes", .string(input.string("notes")))])
        }
        itemAction(router, context, "return") { input, stock, id in
            let location = try input.related("location", table: "stock_stocklocation", connection: stock.connection)
            let status = readStatus(&input, required: false)
            try input.check()
            if let location {
                try perform(input, index: nil, itemFields: []) {
                    try stock.returnFromCustomer(itemID: id, locationID: location, status: status, notes: input.string("notes"))
                }
            }
            return .object([("location", location.map(JSONValue.int) ?? .null), ("notes", .string(input.string("notes")))])
        }
        itemAction(router, context, "install") { input, stock, id in
            let item = try input.related("stock_item", table: "stock_stockitem", connection: stock.connection)
            var quantity: Decimal?
            if let value = input.body["quantity"] {
                if let number = StockActionInput.decimal(value) { quantity = number } else { input.fail("quantity", ValidationErrors.Message.integer) }
            }
            try input.check()
            if let item {
                try perform(input, index: nil, itemFields: []) {
                    try stock.install(itemID: item, into: id, quantity: quantity, notes: input.string("note"))
                }
            }
            return .object([("stock_item", item.map(JSONValue.int) ?? .null), ("quantity", quantity.map { .int(Int("\($0)") ?? 1) } ?? .int(1)),
                            ("note", .string(input.string("note")))])
        }
        itemAction(router, context, "uninstall") { input, stock, id in
            let location = try input.related("location", table: "stock_stocklocation", connection: stock.connection)
            try input.check()
            if let location {
                try perform(input, index: nil, itemFields: []) {
                    try stock.uninstall(itemID: id, locationID: location, notes: input.string("note"))
                }
            }
            return .object([("location", location.map(JSONValue.int) ?? .null), ("note", .string(input.string("note")))])
        }
        itemAction(router, context, "serialize") { input, stock, id in
            let destination = try input.related("destination", table: "stock_stocklocation", required: false, connection: stock.connection)
            var quantity: Int?
            switch input.body["quantity"] {
            case nil: input.fail("quantity", ValidationErrors.Message.required)
            case let value?:
                if let number = ResourceWriter.integer(value) { quantity = number } else { input.fail("quantity", ValidationErrors.Message.integer) }
            }
            let serials = input.body["serial_numbers"]?.stringValue
            if serials == nil { input.fail("serial_numbers", ValidationErrors.Message.required) }
            try input.check()
            if let quantity, let serials {
                try perform(input, index: nil, itemFields: []) {
                    try stock.serialize(itemID: id, quantity: quantity, serialNumbers: serials, locationID: destination,
                                        notes: input.string("notes"))
                }
            }
            return .object([("quantity", quantity.map(JSONValue.int) ?? .null), ("serial_numbers", .string(serials ?? "")),
                            ("destination", destination.map(JSONValue.int) ?? .null), ("notes", .string(input.string("notes")))])
        }
    }

    /// A POST endpoint at `path` behind the stock change permission, run in one transaction.
    static func action(_ router: APIRouter, _ context: APIContext, _ path: String,
                       _ body: @escaping (inout StockActionInput, StockTransaction) throws -> JSONValue?) {
        for pattern in [path, String(path.dropLast())] {
            router.add(.POST, pattern, .authenticated) { call in
                try call.user.permissions.require(table: "stock_stockitem", .change)
                let json = try ResourceEndpoints.requestBody(call)
                do {
                    var input = try StockActionInput(json)
                    let echo = try context.pool.transaction { connection -> JSONValue in
                        let stock = StockTransaction(connection: connection, userID: call.user.user.id)
                        return try body(&input, stock) ?? json
                    }
                    return JSONResponse.make(status: 201, echo)
                } catch let errors as StockActionErrors {
                    return errors.response
                } catch let errors as ValidationErrors {
                    return errors.response
                }
            }
        }
    }

    /// `stock/<pk>/<name>/`: 404 when the item does not exist.
    static func itemAction(_ router: APIRouter, _ context: APIContext, _ name: String,
                           _ body: @escaping (inout StockActionInput, StockTransaction, Int) throws -> JSONValue?) {
        for pattern in ["/api/stock/:pk/\(name)/", "/api/stock/:pk/\(name)"] {
            router.add(.POST, pattern, .authenticated) { call in
                try call.user.permissions.require(table: "stock_stockitem", .change)
                guard let id = call.request.primaryKey else { throw APIError.notFound("StockItem") }
                let json = try ResourceEndpoints.requestBody(call)
                do {
                    var input = try StockActionInput(json)
                    let echo = try context.pool.transaction { connection -> JSONValue in
                        if try ResourceSQL.query(connection, "SELECT 1 FROM stock_stockitem WHERE id = $1", [id]).isEmpty {
                            throw APIError.notFound("StockItem")
                        }
                        return try body(&input, StockTransaction(connection: connection, userID: call.user.user.id), id) ?? json
                    }
                    return JSONResponse.make(status: 201, echo)
                } catch let errors as StockActionErrors {
                    return errors.response
                } catch let errors as ValidationErrors {
                    return errors.response
                }
            }
        }
    }

    /// Runs one library operation, turning its refusal into InvenTree's error body.
    static func perform(_ input: StockActionInput, index: Int?, itemFields: Set<String>, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as StockValidationError {
            throw input.place(error, itemIndex: index, itemFields: itemFields)
        }
    }

    /// One line of a stock adjustment (StockAdjustmentItemSerializer).
    struct AdjustItem {
        let pk: Int
        let quantity: Decimal
        let batch: String?
        let status: Int?
        let packaging: String?
    }

    /// Reads and validates the adjustment lines, runs `operation` on each (in order) and echoes the request.
    @discardableResult
    static func adjust(_ input: inout StockActionInput, _ stock: StockTransaction,
                       extra: [(String, JSONValue)] = [], _ operation: (AdjustItem) throws -> Void) throws -> JSONValue? {
        let items: [AdjustItem] = try input.items { input, index, element in
            guard case .object = element else {
                input.failItem(index, "non_field_errors", "Invalid data. Expected a dictionary, but got \(ResourceWriter.typeName(element)).")
                return nil
            }
            let pk = try input.itemKey(index, element, "pk", table: "stock_stockitem", connection: stock.connection)
            if let pk, let row = try ResourceSQL.query(stock.connection, """
                SELECT belongs_to_id IS NULL AND customer_id IS NULL AND sales_order_id IS NULL AND consumed_by_id IS NULL
                    AND NOT is_building FROM stock_stockitem WHERE id = $1
                """, [pk]).first, try !row.decode(0, as: Bool.self) {
                input.failItem(index, "pk", "Stock item is not in stock")
            }
            var quantity: Decimal?
            switch element["quantity"] {
            case nil: input.failItem(index, "quantity", ValidationErrors.Message.required)
            case let value?:
                if let number = StockActionInput.decimal(value) {
                    if number < 0 {
                        input.failItem(index, "quantity", "Ensure this value is greater than or equal to 0.")
                    } else if Self.decimalPlaces(number) > 5 {
                        input.failItem(index, "quantity", "Ensure that there are no more than 5 decimal places.")
                    } else {
                        quantity = number
                    }
                } else {
                    input.failItem(index, "quantity", ValidationErrors.Message.number)
                }
            }
            var status: Int?
            if let value = element["status"], value != .null, value != .string("") {
                if let code = ResourceWriter.integer(value), StockStatus(rawValue: code) != nil {
                    status = code
                } else {
                    input.failItem(index, "status", ValidationErrors.Message.notAChoice(String(decoding: value.encoded(), as: UTF8.self)))
                }
            }
            guard let pk, let quantity else { return nil }
            return AdjustItem(pk: pk, quantity: quantity, batch: element["batch"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 },
                              status: status, packaging: element["packaging"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 })
        }
        try input.check()
        try stock.lock(items.map(\.pk))
        for (index, item) in items.enumerated() {
            try perform(input, index: index, itemFields: adjustItemFields) { try operation(item) }
        }
        let lines: [JSONValue] = items.map { item in
            var members: [(String, JSONValue)] = [("pk", .int(item.pk)), ("quantity", .string(fixed(item.quantity, places: 5)))]
            if let batch = item.batch { members.append(("batch", .string(batch))) }
            if let status = item.status { members.append(("status", .int(status))) }
            if let packaging = item.packaging { members.append(("packaging", .string(packaging))) }
            return .object(members)
        }
        return .object([("items", .array(lines)), ("notes", .string(input.string("notes")))] + extra)
    }

    /// `items: [{"item": pk}]` (StockAssignmentItemSerializer, StockMergeItemSerializer, StockReturnItemSerializer).
    static func readItemKeys(_ input: inout StockActionInput, _ stock: StockTransaction) throws -> [Int] {
        try input.items { input, index, element in
            try input.itemKey(index, element, "item", table: "stock_stockitem", connection: stock.connection)
        }
    }

    static func readStatus(_ input: inout StockActionInput, required: Bool) -> Int? {
        guard let value = input.body["status"], value != .null else {
            if required { input.fail("status", ValidationErrors.Message.required) }
            return nil
        }
        guard let code = ResourceWriter.integer(value), StockStatus(rawValue: code) != nil else {
            input.fail("status", ValidationErrors.Message.notAChoice(String(decoding: value.encoded(), as: UTF8.self)))
            return nil
        }
        return code
    }

    static func decimalPlaces(_ value: Decimal) -> Int {
        let text = "\(value)"
        guard let dot = text.firstIndex(of: ".") else { return 0 }
        return text.distance(from: dot, to: text.endIndex) - 1
    }

    /// DRF's DecimalField output: exactly `places` decimals.
    static func fixed(_ value: Decimal, places: Int) -> String {
        var text = "\(value)"
        if !text.contains(".") { text += "." }
        let decimals = decimalPlaces(value)
        return text + String(repeating: "0", count: max(0, places - decimals))
    }
}
