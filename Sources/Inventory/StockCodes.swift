/// InvenTree's `StockStatus` codes (stock/status_codes.py).
public enum StockStatus: Int, CaseIterable, Sendable {
    case ok = 10
    case attention = 50
    case damaged = 55
    case destroyed = 60
    case rejected = 65
    case lost = 70
    case quarantined = 75
    case returned = 85

    /// `StockStatusGroups.AVAILABLE_CODES`: the statuses that count as "in stock".
    public static let availableCodes: [StockStatus] = [.ok, .attention, .damaged, .returned]
}

/// InvenTree's `StockHistoryCode` values, stored in `stock_stockitemtracking.tracking_type`.
public enum StockHistoryCode: Int, CaseIterable, Sendable {
    case legacy = 0
    case created = 1
    case edited = 5
    case assignedSerial = 6
    case stockCount = 10
    case stockAdd = 11
    case stockRemove = 12
    case stockSerialized = 13
    case returnedToStock = 15
    case stockMove = 20
    case stockUpdate = 25
    case installedIntoAssembly = 30
    case removedFromAssembly = 31
    case installedChildItem = 35
    case removedChildItem = 36
    case splitFromParent = 40
    case splitChildItem = 42
    case mergedStockItems = 45
    case convertedToVariant = 48
    case buildOutputCreated = 50
    case buildOutputCompleted = 55
    case buildOutputRejected = 56
    case buildConsumed = 57
    case shippedAgainstSalesOrder = 60
    case receivedAgainstPurchaseOrder = 70
    case returnedAgainstReturnOrder = 80
    case sentToCustomer = 100
    case returnedFromCustomer = 105
}
