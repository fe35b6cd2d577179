import HTTP
import Inventory
import Postgres

/// Registers the stock side of InvenTree's API. Fixed paths go before the `<path><pk>/` patterns that would take them.
enum StockRoutes {
    static func register(_ router: APIRouter, _ context: APIContext) {
        ResourceEndpoints.register(router, context, StockLocationResources.tree)
        ResourceEndpoints.register(router, context, StockLocationResources.location)
        ResourceEndpoints.register(router, context, StockTrackingResource.tracking)
        StockTestResultResource.register(router, context)
        StockActions.register(router, context)
        var item = StockItemResource.item
        item.createOverride = { call, body, connection in try createSerialized(item, call, body, connection) }
        ResourceEndpoints.register(router, context, item)
    }

    /// `POST stock/` with `serial_numbers`: one item of quantity 1 per serial (trackable parts only), answered as a list.
    static func createSerialized(_ resource: Resource, _ call: APICall, _ body: JSONValue, _ connection: PostgresConnection) throws -> HTTPResponse? {
        guard case .object(let members) = body, let text = body["serial_numbers"]?.stringValue,
              !text.trimmingWhitespaceForAPI().isEmpty, let partID = body["part"].flatMap(ResourceWriter.integer) else { return nil }
        guard let part = try ResourceSQL.query(connection, "SELECT trackable FROM part_part WHERE id = $1", [partID]).first else { return nil }
        guard try part.decode(0, as: Bool.self) else {
            throw ValidationErrors("serial_numbers", "Serial numbers cannot be supplied for a non-trackable part")
        }
        let quantityValue = body["quantity"] ?? .int(1)
        guard let quantity = ResourceWriter.integer(quantityValue) ?? StockActionInput.decimal(quantityValue).flatMap({ Int("\($0)") }),
              quantity > 0 else {
            throw ValidationErrors("quantity", "Quantity must be integer")
        }
        let stock = StockTransaction(connection: connection, userID: call.user.user.id)
        let serials: [String]
        do {
            serials = try SerialNumbers.parse(text, expectedQuantity: quantity, next: try stock.nextSerial(partID: partID))
        } catch let error as StockValidationError {
            var errors = ValidationErrors()
            for (field, messages) in error.fields { messages.forEach { errors.add(field, $0) } }
            throw errors
        }
        let existing = try stock.conflictingSerials(partID: partID, serials)
        guard existing.isEmpty else {
            throw ValidationErrors("serial_numbers", "The following serial numbers already exist or are invalid : " + existing.joined(separator: ","))
        }
        let base = members.filter { !["serial_numbers", "serial", "quantity"].contains($0.0) }
        var bodies: [UInt8] = [UInt8(ascii: "[")]
        for (index, serial) in serials.enumerated() {
            let id = try ResourceWriter.write(resource, body: .object(base + [("quantity", .int(1)), ("serial", .string(serial))]),
                                              existingID: nil, partial: false, userID: call.user.user.id, connection: connection)
            let detail = try ResourceEndpoints.detail(resource, call, id: id, connection)
            if index > 0 { bodies.append(UInt8(ascii: ",")) }
            if case .bytes(let bytes) = detail.body { bodies += bytes }
        }
        bodies.append(UInt8(ascii: "]"))
        return HTTPResponse(status: 201, contentType: "application/json", body: bodies)
    }
}
