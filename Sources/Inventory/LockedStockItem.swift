import FoundationEssentials
import Postgres

/// A stock item read under `SELECT ... FOR UPDATE` for the length of one stock transaction.
public struct LockedStockItem: Equatable, Sendable {
    public let id: Int
    public let partID: Int
    public var quantity: Decimal
    public let serial: String?
    public let locationID: Int?
    public let parentID: Int?
    public let belongsToID: Int?
    public let customerID: Int?
    public let salesOrderID: Int?
    public let consumedByID: Int?
    public let supplierPartID: Int?
    public let status: Int
    public let isBuilding: Bool
    public let deleteOnDeplete: Bool
    public let purchasePrice: Decimal?
    public let purchasePriceCurrency: String

    /// InvenTree's `serialized`: a serial number and a quantity of one.
    public var isSerialized: Bool {
        guard let serial, !serial.trimmingWhitespace().isEmpty else { return false }
        return quantity == 1
    }

    /// InvenTree's `IN_STOCK_FILTER` for one item.
    public var isInStock: Bool {
        quantity > 0 && salesOrderID == nil && belongsToID == nil && customerID == nil && consumedByID == nil
            && !isBuilding && StockStatus.availableCodes.contains { $0.rawValue == status }
    }

    static let columns = """
        id, part_id, quantity::text, serial, location_id, parent_id, belongs_to_id, customer_id, sales_order_id,
        consumed_by_id, supplier_part_id, status, is_building, delete_on_deplete, purchase_price::text, purchase_price_currency
        """

    init(row: PostgresRow) throws {
        id = try row.decode(0, as: Int.self)
        partID = try row.decode(1, as: Int.self)
        quantity = try Quantity.decode(row, 2)
        serial = try row.decode(3, as: String?.self)
        locationID = try row.decode(4, as: Int?.self)
        parentID = try row.decode(5, as: Int?.self)
        belongsToID = try row.decode(6, as: Int?.self)
        customerID = try row.decode(7, as: Int?.self)
        salesOrderID = try row.decode(8, as: Int?.self)
        consumedByID = try row.decode(9, as: Int?.self)
        supplierPartID = try row.decode(10, as: Int?.self)
        status = try row.decode(11, as: Int.self)
        isBuilding = try row.decode(12, as: Bool.self)
        deleteOnDeplete = try row.decode(13, as: Bool.self)
        purchasePrice = try row.decode(14, as: String?.self).flatMap { Decimal(string: $0) }
        purchasePriceCurrency = try row.decode(15, as: String.self)
    }
}

/// Quantities: PostgreSQL `numeric` read and written as text, held as `Decimal`.
public enum Quantity {
    /// Reads a numeric column selected as text.
    static func decode(_ row: PostgresRow, _ column: Int) throws -> Decimal {
        let text = try row.decode(column, as: String.self)
        guard let value = Decimal(string: text) else {
            throw PostgresError(.decoding, "the quantity \(text) is not a decimal number")
        }
        return value
    }

    /// The text a numeric parameter is bound as.
    public static func text(_ value: Decimal) -> String { "\(value)" }

    /// The value as InvenTree's `float(quantity)` writes it into tracking deltas.
    public static func float(_ value: Decimal) -> Double { Double("\(value)") ?? 0 }

    /// InvenTree's `decimal2string`: no trailing zeros (`10`, `2.5`).
    public static func display(_ value: Decimal) -> String {
        var text = "\(value)"
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}
