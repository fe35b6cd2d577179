import FoundationEssentials
import HTTP
import Inventory
import Postgres

/// Reads the body of a stock action as InvenTree's serializers do, collecting DRF-shaped errors:
/// top-level fields, `non_field_errors`, and per-item errors under `items` (`[{}, {"pk": [...]}]`).
struct StockActionInput {
    let body: JSONValue
    var errors: [(String, JSONValue)] = []
    private var itemErrors: [Int: [(String, [String])]] = [:]
    private var itemCount = 0

    init(_ body: JSONValue) throws {
        guard case .object = body else {
            throw ValidationErrors("non_field_errors", "Invalid data. Expected a dictionary, but got \(ResourceWriter.typeName(body)).")
        }
        self.body = body
    }

    mutating func fail(_ field: String, _ message: String) {
        if let index = errors.firstIndex(where: { $0.0 == field }), case .array(let messages) = errors[index].1 {
            errors[index].1 = .array(messages + [.string(message)])
        } else {
            errors.append((field, .array([.string(message)])))
        }
    }

    mutating func failItem(_ index: Int, _ field: String, _ message: String) {
        itemErrors[index, default: []].append((field, [message]))
    }

    /// The `items` list: each element passed to `read` with its index.
    mutating func items<T>(_ read: (inout StockActionInput, Int, JSONValue) throws -> T?) rethrows -> [T] {
        guard let value = body["items"] else {
            fail("items", ValidationErrors.Message.required)
            return []
        }
        guard case .array(let elements) = value else {
            fail("items", "Expected a list of items but got type \"\(ResourceWriter.typeName(value))\".")
            return []
        }
        itemCount = elements.count
        var result: [T] = []
        for (index, element) in elements.enumerated() {
            if let item = try read(&self, index, element) { result.append(item) }
        }
        if elements.isEmpty { fail("non_field_errors", "A list of stock items must be provided") }
        return result
    }

    /// A required primary key inside an item object (`pk` or `item`), checked to exist.
    mutating func itemKey(_ index: Int, _ element: JSONValue, _ field: String, table: String,
                          connection: PostgresConnection) throws -> Int? {
        guard let value = element[field] else {
            failItem(index, field, ValidationErrors.Message.required)
            return nil
        }
        guard let id = ResourceWriter.integer(value) else {
            failItem(index, field, ValidationErrors.Message.pkType(ResourceWriter.typeName(value)))
            return nil
        }
        guard try !ResourceSQL.query(connection, "SELECT 1 FROM \(table) WHERE id = $1", [id]).isEmpty else {
            failItem(index, field, ValidationErrors.Message.missingObject(String(id)))
            return nil
        }
        return id
    }

    /// A decimal from a JSON number or numeric string.
    static func decimal(_ value: JSONValue?) -> Decimal? {
        switch value {
        case .int(let number)?: return Decimal(number)
        case .double(let number)?: return Decimal(string: "\(number)")
        case .string(let text)?: return Decimal(string: text.trimmingWhitespaceForAPI())
        default: return nil
        }
    }

    /// A required, existing related object at the top level.
    mutating func related(_ field: String, table: String, required: Bool = true, connection: PostgresConnection) throws -> Int? {
        guard let value = body[field], value != .null else {
            if required { fail(field, body[field] == nil ? ValidationErrors.Message.required : ValidationErrors.Message.null) }
            return nil
        }
        guard let id = ResourceWriter.integer(value) else {
            fail(field, ValidationErrors.Message.pkType(ResourceWriter.typeName(value)))
            return nil
        }
        guard try !ResourceSQL.query(connection, "SELECT 1 FROM \(table) WHERE id = $1", [id]).isEmpty else {
            fail(field, ValidationErrors.Message.missingObject(String(id)))
            return nil
        }
        return id
    }

    /// An optional string at the top level.
    func string(_ field: String) -> String {
        body[field]?.stringValue ?? ""
    }

    /// An optional boolean at the top level.
    func bool(_ field: String) -> Bool {
        body[field]?.boolean(text: FilterBuilder.boolean) ?? false
    }

    /// Throws the collected errors, if any.
    func check() throws {
        var all = errors
        if !itemErrors.isEmpty {
            let list: [JSONValue] = (0..<itemCount).map { index in
                .object((itemErrors[index] ?? []).map { ($0.0, .array($0.1.map(JSONValue.string))) })
            }
            all.insert(("items", .array(list)), at: 0)
        }
        if !all.isEmpty { throw StockActionErrors(body: .object(all)) }
    }

    /// A library refusal, placed where InvenTree puts it: item fields under `items[index]`, the rest at the top.
    func place(_ error: StockValidationError, itemIndex: Int?, itemFields: Set<String>) -> StockActionErrors {
        var copy = self
        for (field, messages) in error.fields.sorted(by: { $0.key < $1.key }) {
            for message in messages {
                if let itemIndex, itemFields.contains(field) {
                    copy.failItem(itemIndex, field, message)
                } else {
                    copy.fail(field, message)
                }
            }
        }
        for message in error.nonField { copy.fail("non_field_errors", message) }
        do {
            try copy.check()
        } catch let errors as StockActionErrors {
            return errors
        } catch {}
        return StockActionErrors(body: .object([("non_field_errors", .array(error.nonField.map(JSONValue.string)))]))
    }
}

/// A 400 answer with a DRF error body.
struct StockActionErrors: Error {
    let body: JSONValue
    var response: HTTPResponse { JSONResponse.make(status: 400, body) }
}
