import FoundationEssentials
import Postgres

/// Stock operations inside one open transaction. Every item an operation touches is locked first
/// (`FOR UPDATE`, in id order) so that concurrent operations on the same items run one after the other.
public final class StockTransaction {
    public let connection: PostgresConnection
    /// The user recorded in tracking entries (nil for system actions).
    public let userID: Int?

    public init(connection: PostgresConnection, userID: Int?) {
        self.connection = connection
        self.userID = userID
    }

    // MARK: Reading and locking

    /// Locks the items `ids` (in id order) and returns them; a missing id is an error on `field`.
    @discardableResult
    public func lock(_ ids: [Int], field: String = "pk") throws -> [Int: LockedStockItem] {
        let unique = Array(Set(ids)).sorted()
        let result = try connection.query(
            "SELECT \(LockedStockItem.columns) FROM stock_stockitem WHERE id = ANY($1::integer[]) ORDER BY id FOR UPDATE",
            [Self.integerArray(unique)])
        var items: [Int: LockedStockItem] = [:]
        for row in result {
            let item = try LockedStockItem(row: row)
            items[item.id] = item
        }
        if let missing = unique.first(where: { items[$0] == nil }) {
            throw StockValidationError(field, Self.missingObject(missing))
        }
        return items
    }

    /// Locks and returns one item.
    public func lock(_ id: Int, field: String = "pk") throws -> LockedStockItem {
        guard let item = try lock([id], field: field)[id] else { throw StockValidationError(field, Self.missingObject(id)) }
        return item
    }

    /// DRF's message for a primary key that names nothing.
    public static func missingObject(_ id: Int) -> String { "Invalid pk \"\(id)\" - object does not exist." }

    // MARK: Count, add, remove

    /// Stocktake: sets the quantity to `quantity` (>= 0) and records STOCK_COUNT.
    public func count(itemID: Int, quantity: Decimal, notes: String = "") throws {
        var item = try lock(itemID)
        guard quantity >= 0 else { throw StockValidationError("quantity", "Ensure this value is greater than or equal to 0.") }
        if item.isSerialized && quantity != 0 && quantity != 1 {
            throw StockValidationError("quantity", "Quantity must be 1 for item with a serial number")
        }
        try connection.execute("UPDATE stock_stockitem SET stocktake_date = current_date, stocktake_user_id = $2 WHERE id = $1",
                               [item.id, userID])
        if try updateQuantity(&item, to: quantity) {
            var deltas = TrackingDeltas()
            deltas.set("quantity", .float(Quantity.float(item.quantity)))
            try track(item, .stockCount, deltas, notes: notes)
        }
    }

    /// Adds `quantity` (> 0) and records STOCK_ADD.
    public func add(itemID: Int, quantity: Decimal, notes: String = "") throws {
        var item = try lock(itemID)
        guard quantity > 0 else { throw StockValidationError("quantity", "Quantity must be greater than zero") }
        guard !item.isSerialized else { throw StockValidationError("quantity", "Cannot adjust the quantity of serialized stock") }
        if try updateQuantity(&item, to: item.quantity + quantity) {
            var deltas = TrackingDeltas()
            deltas.set("added", .float(Quantity.float(quantity)))
            deltas.set("quantity", .float(Quantity.float(item.quantity)))
            try track(item, .stockAdd, deltas, notes: notes)
        }
    }

    /// Removes `quantity` (> 0, at most what the item holds) and records STOCK_REMOVE; an item that
    /// reaches zero is deleted when it is `delete_on_deplete` and nothing depends on it.
    public func remove(itemID: Int, quantity: Decimal, notes: String = "") throws {
        let item = try lock(itemID)
        guard quantity > 0 else { throw StockValidationError("quantity", "Quantity must be greater than zero") }
        guard quantity <= item.quantity else {
            throw StockValidationError("quantity", "Quantity must not exceed available stock quantity (\(Quantity.display(item.quantity)))")
        }
        guard !item.isSerialized || quantity == 1 else {
            throw StockValidationError("quantity", "Quantity must be 1 for item with a serial number")
        }
        try takeStock(item, quantity, code: .stockRemove, notes: notes)
    }

    // MARK: Transfer and split

    /// The optional fields a transfer may change on the moved stock (InvenTree's `optional_transfer_fields`).
    public struct TransferChanges: Equatable, Sendable {
        public var batch: String?
        public var status: Int?
        public var packaging: String?
        public init(batch: String? = nil, status: Int? = nil, packaging: String? = nil) {
            self.batch = batch
            self.status = status
            self.packaging = packaging
        }
    }

    /// Moves `quantity` of an item to `locationID`. Less than the whole item splits it: the new item
    /// (returned) gets the moved quantity and SPLIT_FROM_PARENT, the original SPLIT_CHILD_ITEM; the
    /// whole item moves with STOCK_MOVE (STOCK_UPDATE when it stays where it is).
    @discardableResult
    public func transfer(itemID: Int, quantity: Decimal? = nil, locationID: Int, changes: TransferChanges = TransferChanges(),
                         notes: String = "") throws -> Int {
        let item = try lock(itemID)
        try requireLocation(locationID)
        if let status = changes.status { try requireStatus(status) }
        let moved = quantity ?? item.quantity
        guard moved > 0 else { throw StockValidationError("quantity", "Quantity must be greater than zero") }
        guard moved <= item.quantity else {
            throw StockValidationError("quantity", "Quantity must not exceed available stock quantity (\(Quantity.display(item.quantity)))")
        }
        guard item.isInStock else { throw StockValidationError(nonField: "StockItem cannot be moved as it is not in stock") }
        if moved < item.quantity && !item.isSerialized {
            return try split(item, quantity: moved, locationID: locationID, changes: changes, notes: notes)
        }
        var deltas = TrackingDeltas()
        let code: StockHistoryCode = item.locationID == locationID ? .stockUpdate : .stockMove
        if code == .stockMove { deltas.set("location", .integer(locationID)) }
        Self.record(changes, into: &deltas)
        try connection.execute("""
            UPDATE stock_stockitem SET location_id = $2, batch = CASE WHEN $3 THEN $4 ELSE batch END,
                status = coalesce($5, status), packaging = CASE WHEN $6 THEN $7 ELSE packaging END, updated = now()
            WHERE id = $1
            """, [item.id, locationID, changes.batch != nil, changes.batch, changes.status, changes.packaging != nil, changes.packaging])
        if !(code == .stockUpdate && deltas.entries.isEmpty && notes.isEmpty) {
            try track(item, code, deltas, notes: notes)
        }
        return item.id
    }

    /// InvenTree's `splitStock`: a new item with `quantity` split from `item` (which keeps the rest).
    func split(_ item: LockedStockItem, quantity: Decimal, locationID: Int?, changes: TransferChanges = TransferChanges(),
               notes: String) throws -> Int {
        guard !item.isBuilding else { throw StockValidationError(nonField: "Stock item is currently in production") }
        var overrides: [String: PostgresValue?] = [
            "parent_id": item.id, "quantity": Quantity.text(quantity),
        ]
        if let locationID { overrides["location_id"] = locationID }
        if let batch = changes.batch { overrides["batch"] = batch }
        if let status = changes.status { overrides["status"] = status }
        if let packaging = changes.packaging { overrides["packaging"] = packaging }
        let newID = try copyItem(item.id, overrides: overrides)
        let newItem = try lock(newID)

        var deltas = TrackingDeltas()
        deltas.set("stockitem", .integer(item.id))
        Self.record(changes, into: &deltas)
        if let locationID { deltas.set("location", .integer(locationID)) }
        deltas.set("quantity", .float(Quantity.float(quantity)))
        try track(newItem, .splitFromParent, deltas, notes: notes)
        try copyTestResults(from: item.id, to: newID)
        try takeStock(item, quantity, code: .splitChildItem, notes: notes, locationID: locationID, stockItemID: newID)
        return newID
    }

    // MARK: Customers

    /// Sends whole items to a customer (a company that is a customer): SENT_TO_CUSTOMER.
    public func assignToCustomer(itemIDs: [Int], customerID: Int, notes: String = "") throws {
        guard let customer = try connection.query(
            "SELECT name, is_customer FROM company_company WHERE id = $1", [customerID]).first else {
            throw StockValidationError("customer", Self.missingObject(customerID))
        }
        let name = try customer.decode(0, as: String.self)
        guard try customer.decode(1, as: Bool.self) else {
            throw StockValidationError("customer", "Selected company is not a customer")
        }
        guard !itemIDs.isEmpty else { throw StockValidationError("items", "A list of stock items must be provided") }
        let items = try lock(itemIDs, field: "item")
        for id in itemIDs {
            guard let item = items[id] else { continue }
            guard item.isInStock else { throw StockValidationError("item", "Item must be in stock") }
            guard try partFlags(item.partID).salable else { throw StockValidationError("item", "Part must be salable") }
        }
        for id in itemIDs {
            guard let item = items[id] else { continue }
            try connection.execute("UPDATE stock_stockitem SET customer_id = $2, location_id = NULL, sales_order_id = NULL, updated = now() WHERE id = $1",
                                   [item.id, customerID])
            var deltas = TrackingDeltas()
            deltas.set("customer", .integer(customerID))
            deltas.set("customer_name", .string(name))
            try track(item, .sentToCustomer, deltas, notes: notes)
        }
    }

    /// Takes an item back from its customer into `locationID`: RETURNED_FROM_CUSTOMER; merged back
    /// into its parent when the parent is at that location and can take it.
    public func returnFromCustomer(itemID: Int, locationID: Int, status: Int? = nil, notes: String = "") throws {
        let item = try lock(itemID)
        try requireLocation(locationID)
        if let status { try requireStatus(status) }
        guard item.customerID != nil || item.salesOrderID != nil else {
            throw StockValidationError("item", "Stock item is not assigned to a customer")
        }
        var deltas = TrackingDeltas()
        deltas.set("location", .integer(locationID))
        if let customerID = item.customerID {
            deltas.set("customer", .integer(customerID))
            let name = try connection.query("SELECT name FROM company_company WHERE id = $1", [customerID]).first
            deltas.set("customer_name", .string(try name?.decode(0, as: String.self) ?? ""))
        }
        if let status { deltas.set("status", .integer(status)) }
        try track(item, .returnedFromCustomer, deltas, notes: notes)
        try connection.execute("""
            UPDATE stock_stockitem SET customer_id = NULL, belongs_to_id = NULL, sales_order_id = NULL, location_id = $2,
                status = coalesce($3, status), updated = now() WHERE id = $1
            """, [item.id, locationID, status])
        if let parentID = item.parentID, let parent = try lock([parentID])[parentID], parent.locationID == locationID {
            let returned = try lock(item.id)
            if try mergeProblem(parent, returned, allowMismatchedSuppliers: false, allowMismatchedStatus: false,
                                checkInstalled: true) == nil {
                try mergeLocked(into: parent, others: [returned], locationID: locationID, notes: notes)
            }
        }
    }

    // MARK: Merge

    /// Merges the items into the first one (the others are deleted): MERGED_STOCK_ITEMS on the survivor,
    /// which moves to `locationID`. Returns the survivor's id.
    @discardableResult
    public func merge(itemIDs: [Int], locationID: Int, notes: String = "", allowMismatchedSuppliers: Bool = false,
                      allowMismatchedStatus: Bool = false) throws -> Int {
        guard itemIDs.count >= 2 else {
            throw StockValidationError(nonField: "At least two stock items must be provided")
        }
        try requireLocation(locationID)
        let items = try lock(itemIDs, field: "item")
        guard let base = items[itemIDs[0]] else { throw StockValidationError("item", Self.missingObject(itemIDs[0])) }
        var others: [LockedStockItem] = []
        for id in itemIDs.dropFirst() {
            guard let other = items[id] else { continue }
            if id == base.id || others.contains(where: { $0.id == id }) {
                throw StockValidationError(nonField: "Duplicate stock items")
            }
            if let problem = try mergeProblem(base, other, allowMismatchedSuppliers: allowMismatchedSuppliers,
                                              allowMismatchedStatus: allowMismatchedStatus, checkInstalled: true) {
                throw StockValidationError(nonField: problem)
            }
            others.append(other)
        }
        try mergeLocked(into: base, others: others, locationID: locationID, notes: notes)
        return base.id
    }

    private func mergeProblem(_ base: LockedStockItem, _ other: LockedStockItem, allowMismatchedSuppliers: Bool,
                              allowMismatchedStatus: Bool, checkInstalled: Bool) throws -> String? {
        for item in [base, other] {
            if item.salesOrderID != nil { return "Stock item has been assigned to a sales order" }
            if item.belongsToID != nil { return "Stock item is installed in another item" }
            if checkInstalled, try hasInstalledItems(item.id) { return "Stock item contains other items" }
            if item.customerID != nil { return "Stock item has been assigned to a customer" }
            if item.isBuilding { return "Stock item is currently in production" }
            if item.isSerialized { return "Serialized stock cannot be merged" }
        }
        if base.id == other.id { return "Duplicate stock items" }
        if base.partID != other.partID { return "Stock items must refer to the same part" }
        if base.supplierPartID != other.supplierPartID && !allowMismatchedSuppliers {
            return "Stock items must refer to the same supplier part"
        }
        if base.status != other.status && !allowMismatchedStatus { return "Stock status codes must match" }
        return nil
    }

    private func mergeLocked(into base: LockedStockItem, others: [LockedStockItem], locationID: Int?, notes: String) throws {
        var total = base.quantity
        var priced: [(Decimal, Decimal)] = []
        if let price = base.purchasePrice { priced.append((price, base.quantity)) }
        for other in others {
            total += other.quantity
            if let price = other.purchasePrice, other.purchasePriceCurrency == base.purchasePriceCurrency {
                priced.append((price, other.quantity))
            }
            try connection.execute("UPDATE build_builditem SET stock_item_id = $2 WHERE stock_item_id = $1", [other.id, base.id])
            try connection.execute("UPDATE order_salesorderallocation SET item_id = $2 WHERE item_id = $1", [other.id, base.id])
            try connection.execute("UPDATE stock_stockitem SET parent_id = NULL WHERE id = $1 AND parent_id = $2", [base.id, other.id])
            try connection.execute("UPDATE stock_stockitem SET parent_id = $2 WHERE parent_id = $1", [other.id, base.id])
            try connection.execute("DELETE FROM stock_stockitem WHERE id = $1", [other.id])
        }
        var price: String?
        let pricedQuantity = priced.reduce(Decimal(0)) { $0 + $1.1 }
        if pricedQuantity > 0 {
            price = Quantity.text(priced.reduce(Decimal(0)) { $0 + $1.0 * $1.1 } / pricedQuantity)
        }
        try connection.execute("""
            UPDATE stock_stockitem SET quantity = $2::numeric, location_id = $3,
                purchase_price = coalesce(round($4::numeric, 6), purchase_price), updated = now() WHERE id = $1
            """, [base.id, Quantity.text(total), locationID, price])
        var deltas = TrackingDeltas()
        deltas.set("location", locationID.map { .integer($0) } ?? .null)
        deltas.set("quantity", .float(Quantity.float(total)))
        try track(base, .mergedStockItems, deltas, notes: notes)
    }

    // MARK: Status

    /// Sets the status of each item not already in it, with an EDITED entry `{"status": n}` each.
    public func changeStatus(itemIDs: [Int], status: Int, notes: String = "") throws {
        try requireStatus(status)
        guard !itemIDs.isEmpty else { throw StockValidationError("items", "A list of stock items must be provided") }
        let items = try lock(itemIDs, field: "items")
        for item in items.values.sorted(by: { $0.id < $1.id }) where item.status != status {
            try connection.execute("UPDATE stock_stockitem SET status = $2, updated = now() WHERE id = $1", [item.id, status])
            var deltas = TrackingDeltas()
            deltas.set("status", .integer(status))
            try track(item, .edited, deltas, notes: notes)
        }
    }

    // MARK: Installation

    /// Installs `quantity` of `itemID` into the assembly item `assemblyID` (splitting the item when
    /// less than all of it): INSTALLED_INTO_ASSEMBLY on the installed item, INSTALLED_CHILD_ITEM on the
    /// assembly. The item's part must be in the assembly's bill of materials. Returns the installed item.
    @discardableResult
    public func install(itemID: Int, into assemblyID: Int, quantity: Decimal? = nil, notes: String = "") throws -> Int {
        let locked = try lock([itemID, assemblyID], field: "stock_item")
        guard let assembly = locked[assemblyID] else { throw StockValidationError("pk", Self.missingObject(assemblyID)) }
        guard let item = locked[itemID] else { throw StockValidationError("stock_item", Self.missingObject(itemID)) }
        guard item.id != assembly.id else { throw StockValidationError("stock_item", "Stock item cannot be installed into itself") }
        let installed = quantity ?? item.quantity
        guard installed >= 1 else { throw StockValidationError("quantity", "Quantity to install must be at least 1") }
        guard installed <= item.quantity else {
            throw StockValidationError("quantity", "Quantity to install must not exceed available quantity")
        }
        guard item.isInStock else { throw StockValidationError("stock_item", "Selected stock item is not available") }
        guard try isInBillOfMaterials(subPart: item.partID, assembly: assembly.partID) else {
            throw StockValidationError("stock_item", "Selected part is not in the Bill of Materials")
        }
        var installedID = item.id
        if installed < item.quantity && !item.isSerialized {
            installedID = try split(item, quantity: installed, locationID: nil, notes: notes)
        }
        let installedItem = try lock(installedID)
        try connection.execute("UPDATE stock_stockitem SET belongs_to_id = $2, updated = now() WHERE id = $1", [installedID, assembly.id])
        var deltas = TrackingDeltas()
        deltas.set("stockitem", .integer(assembly.id))
        try track(installedItem, .installedIntoAssembly, deltas, notes: notes)
        var assemblyDeltas = TrackingDeltas()
        assemblyDeltas.set("stockitem", .integer(installedID))
        try track(assembly, .installedChildItem, assemblyDeltas, notes: notes)
        return installedID
    }

    /// Takes an installed item out of its assembly into `locationID`: REMOVED_CHILD_ITEM on the
    /// assembly, REMOVED_FROM_ASSEMBLY on the item.
    public func uninstall(itemID: Int, locationID: Int, notes: String = "") throws {
        let item = try lock(itemID)
        try requireLocation(locationID)
        guard let assemblyID = item.belongsToID else {
            throw StockValidationError(nonField: "Stock item is not installed in another item")
        }
        let assembly = try lock(assemblyID)
        var assemblyDeltas = TrackingDeltas()
        assemblyDeltas.set("stockitem", .integer(item.id))
        try track(assembly, .removedChildItem, assemblyDeltas, notes: notes)
        var deltas = TrackingDeltas()
        deltas.set("stockitem", .integer(assemblyID))
        deltas.set("location", .integer(locationID))
        try track(item, .removedFromAssembly, deltas, notes: notes)
        try connection.execute("""
            UPDATE stock_stockitem SET belongs_to_id = NULL, consumed_by_id = NULL, location_id = $2, updated = now() WHERE id = $1
            """, [item.id, locationID])
    }

    // MARK: Serial numbers

    /// Splits `quantity` units of an item of a trackable part into items of one with the serial numbers
    /// `serialNumbers` (InvenTree's syntax); returns the new items' ids in serial order.
    @discardableResult
    public func serialize(itemID: Int, quantity: Int, serialNumbers: String, locationID: Int? = nil,
                          notes: String = "") throws -> [Int] {
        let item = try lock(itemID)
        guard !item.isSerialized else { throw StockValidationError(nonField: "Stock item is already serialized") }
        guard try partFlags(item.partID).trackable else { throw StockValidationError("part", "Part is not set as trackable") }
        guard quantity > 0 else { throw StockValidationError("quantity", "Quantity must be greater than zero") }
        guard Decimal(quantity) <= item.quantity else {
            throw StockValidationError("quantity", "Quantity must not exceed available stock quantity (\(Quantity.display(item.quantity)))")
        }
        if let locationID { try requireLocation(locationID) }
        let serials = try SerialNumbers.parse(serialNumbers, expectedQuantity: quantity, next: try nextSerial(partID: item.partID))
        let existing = try conflictingSerials(partID: item.partID, serials)
        guard existing.isEmpty else {
            throw StockValidationError("serial_numbers",
                "The following serial numbers already exist or are invalid : " + existing.joined(separator: ","))
        }
        var created: [Int] = []
        for serial in serials {
            var overrides: [String: PostgresValue?] = [
                "parent_id": item.id, "quantity": "1", "serial": serial, "serial_int": Int(SerialNumbers.sortKey(serial)),
            ]
            if let locationID { overrides["location_id"] = locationID }
            let newID = try copyItem(item.id, overrides: overrides)
            let newItem = try lock(newID)
            var split = TrackingDeltas()
            if let locationID { split.set("location", .integer(locationID)) }
            split.set("quantity", .float(1))
            try track(newItem, .splitFromParent, split, notes: notes)
            var assigned = TrackingDeltas()
            assigned.set("serial", .string(serial))
            if let locationID { assigned.set("location", .integer(locationID)) }
            try track(newItem, .assignedSerial, assigned, notes: notes)
            try copyTestResults(from: item.id, to: newID)
            created.append(newID)
        }
        try takeStock(item, Decimal(quantity), code: .stockSerialized, notes: notes)
        return created
    }

    /// The serial after the highest one among the part's family (its template tree), "1" when none.
    public func nextSerial(partID: Int) throws -> String? {
        let row = try connection.query("""
            \(Self.partFamily)
            SELECT serial FROM stock_stockitem WHERE part_id IN (SELECT id FROM family) AND serial IS NOT NULL AND serial <> ''
            ORDER BY serial_int DESC, length(serial) DESC, serial DESC LIMIT 1
            """, [partID]).first
        guard let latest = try row?.decode(0, as: String.self) else { return "1" }
        return SerialNumbers.increment(latest)
    }

    /// Which of `serials` are already used within the part's family.
    public func conflictingSerials(partID: Int, _ serials: [String]) throws -> [String] {
        let used = try connection.query("""
            \(Self.partFamily)
            SELECT serial FROM stock_stockitem WHERE part_id IN (SELECT id FROM family) AND serial = ANY($2::text[])
            """, [partID, Self.textArray(serials)]).map { try $0.decode(0, as: String.self) }
        let usedSet = Set(used)
        return serials.filter { usedSet.contains($0) }
    }

    /// A CTE `family`: the part, its template ancestors' whole variant tree (serials are unique across it).
    static let partFamily = """
        WITH RECURSIVE up(id, variant_of_id) AS (
            SELECT id, variant_of_id FROM part_part WHERE id = $1
            UNION SELECT p.id, p.variant_of_id FROM part_part p JOIN up ON p.id = up.variant_of_id
        ), root AS (SELECT id FROM up WHERE variant_of_id IS NULL),
        family(id) AS (
            SELECT id FROM root UNION SELECT p.id FROM part_part p JOIN family f ON p.variant_of_id = f.id
        )
        """

    // MARK: Building blocks

    /// Writes a tracking entry for `item`.
    public func track(_ item: LockedStockItem, _ code: StockHistoryCode, _ deltas: TrackingDeltas, notes: String = "") throws {
        try connection.execute("""
            INSERT INTO stock_stockitemtracking (tracking_type, item_id, part_id, date, notes, user_id, deltas)
            VALUES ($1, $2, $3, now(), $4, $5, $6::jsonb)
            """, [code.rawValue, item.id, item.partID, notes, userID, PostgresJSON(deltas.json)])
    }

    /// InvenTree's `updateQuantity`: false when the item was depleted and deleted.
    private func updateQuantity(_ item: inout LockedStockItem, to quantity: Decimal) throws -> Bool {
        let quantity = max(quantity, 0)
        item.quantity = quantity
        if quantity == 0 && item.deleteOnDeplete && item.salesOrderID == nil, try !hasInstalledItems(item.id) {
            try connection.execute("DELETE FROM stock_stockitem WHERE id = $1", [item.id])
            return false
        }
        try connection.execute("UPDATE stock_stockitem SET quantity = $2::numeric, updated = now() WHERE id = $1",
                               [item.id, Quantity.text(quantity)])
        return true
    }

    /// InvenTree's `take_stock`.
    private func takeStock(_ item: LockedStockItem, _ quantity: Decimal, code: StockHistoryCode, notes: String,
                           locationID: Int? = nil, stockItemID: Int? = nil) throws {
        var item = item
        guard try updateQuantity(&item, to: item.quantity - quantity) else { return }
        var deltas = TrackingDeltas()
        deltas.set("removed", .float(Quantity.float(quantity)))
        deltas.set("quantity", .float(Quantity.float(item.quantity)))
        if let locationID { deltas.set("location", .integer(locationID)) }
        if let stockItemID { deltas.set("stockitem", .integer(stockItemID)) }
        try track(item, code, deltas, notes: notes)
    }

    static let copiedColumns = [
        "part_id", "parent_id", "supplier_part_id", "location_id", "belongs_to_id", "customer_id", "serial", "serial_int", "batch",
        "quantity", "status", "status_custom_key", "build_id", "consumed_by_id", "is_building", "purchase_order_id",
        "sales_order_id", "expiry_date", "stocktake_date", "stocktake_user_id", "delete_on_deplete", "purchase_price",
        "purchase_price_currency", "owner_id", "packaging", "link", "notes", "metadata",
    ]

    /// Inserts a copy of item `id` with `overrides` (column -> value) and a new creation date; returns its id.
    private func copyItem(_ id: Int, overrides: [String: PostgresValue?]) throws -> Int {
        var parameters: [PostgresValue?] = [id]
        var selected: [String] = []
        for column in Self.copiedColumns {
            if let value = overrides[column] {
                parameters.append(value)
                selected.append(column == "quantity" ? "$\(parameters.count)::numeric" : "$\(parameters.count)")
            } else {
                selected.append(column)
            }
        }
        let columns = Self.copiedColumns.joined(separator: ", ")
        return try connection.query("""
            INSERT INTO stock_stockitem (\(columns), creation_date, updated)
            SELECT \(selected.joined(separator: ", ")), now(), now() FROM stock_stockitem WHERE id = $1 RETURNING id
            """, parameters).singleRow().decode(0, as: Int.self)
    }

    private func copyTestResults(from source: Int, to target: Int) throws {
        try connection.execute("""
            INSERT INTO stock_stockitemtestresult (stock_item_id, template_id, result, value, attachment, notes, test_station,
                started_datetime, finished_datetime, user_id, date, metadata)
            SELECT $2, template_id, result, value, attachment, notes, test_station, started_datetime, finished_datetime,
                user_id, date, metadata FROM stock_stockitemtestresult WHERE stock_item_id = $1 ORDER BY id
            """, [source, target])
    }

    private func hasInstalledItems(_ id: Int) throws -> Bool {
        try connection.query("SELECT EXISTS (SELECT 1 FROM stock_stockitem WHERE belongs_to_id = $1)", [id])
            .singleRow().decode(0, as: Bool.self)
    }

    private func partFlags(_ partID: Int) throws -> (trackable: Bool, salable: Bool) {
        let row = try connection.query("SELECT trackable, salable FROM part_part WHERE id = $1", [partID]).singleRow()
        return (try row.decode(0, as: Bool.self), try row.decode(1, as: Bool.self))
    }

    /// Whether `subPart` (or a template it is a variant of, when the BOM line allows variants) is in the
    /// bill of materials of `assembly` or of a template the assembly inherits its BOM from.
    private func isInBillOfMaterials(subPart: Int, assembly: Int) throws -> Bool {
        try connection.query("""
            WITH RECURSIVE assemblies(id) AS (
                SELECT $1::integer UNION SELECT p.variant_of_id FROM part_part p JOIN assemblies a ON p.id = a.id
                WHERE p.variant_of_id IS NOT NULL
            ), subs(id, depth) AS (
                SELECT $2::integer, 0 UNION SELECT p.variant_of_id, s.depth + 1 FROM part_part p JOIN subs s ON p.id = s.id
                WHERE p.variant_of_id IS NOT NULL
            )
            SELECT EXISTS (
                SELECT 1 FROM part_bomitem b JOIN subs s ON b.sub_part_id = s.id
                WHERE b.part_id IN (SELECT id FROM assemblies) AND (s.depth = 0 OR b.allow_variants)
                UNION ALL
                SELECT 1 FROM part_bomitemsubstitute bs JOIN part_bomitem b ON bs.bom_item_id = b.id
                WHERE bs.part_id = $2 AND b.part_id IN (SELECT id FROM assemblies)
            )
            """, [assembly, subPart]).singleRow().decode(0, as: Bool.self)
    }

    /// Throws unless `locationID` names a location that may hold stock.
    public func requireLocation(_ locationID: Int, field: String = "location") throws {
        guard let row = try connection.query("SELECT structural FROM stock_stocklocation WHERE id = $1", [locationID]).first else {
            throw StockValidationError(field, Self.missingObject(locationID))
        }
        if try row.decode(0, as: Bool.self) {
            throw StockValidationError(field, "Cannot assign stock to structural location")
        }
    }

    /// Throws unless `status` is one of InvenTree's stock status codes.
    public func requireStatus(_ status: Int) throws {
        guard StockStatus(rawValue: status) != nil else {
            throw StockValidationError("status", "\"\(status)\" is not a valid choice.")
        }
    }

    private static func record(_ changes: TransferChanges, into deltas: inout TrackingDeltas) {
        if let batch = changes.batch { deltas.set("batch", .string(batch)) }
        if let status = changes.status { deltas.set("status", .integer(status)) }
        if let packaging = changes.packaging { deltas.set("packaging", .string(packaging)) }
    }

    static func integerArray(_ values: [Int]) -> String {
        "{" + values.map(String.init).joined(separator: ",") + "}"
    }

    static func textArray(_ values: [String]) -> String {
        var text = "{"
        for (index, value) in values.enumerated() {
            if index > 0 { text += "," }
            text += "\""
            for character in value {
                if character == "\\" || character == "\"" { text += "\\" }
                text.append(character)
            }
            text += "\""
        }
        return text + "}"
    }
}
