/// The rows a bulk operation names, as InvenTree's BulkOperationMixin reads its body: `{"items": [pk, ...]}`
/// and/or `{"filters": {field: value}}`; at least one of them, not empty.
struct BulkSelection {
    /// nil when the body names no items.
    let ids: [Int]?
    /// nil when the body has no filters.
    let filters: [(String, JSONValue)]?

    init(_ body: JSONValue) throws {
        let items = body["items"]
        let filters = body["filters"]
        let isEmptyItems: Bool = { if case .array(let list)? = items { return list.isEmpty }; return items == nil || items == .null }()
        let isEmptyFilters: Bool = { if case .object(let list)? = filters { return list.isEmpty }; return filters == nil || filters == .null }()
        if isEmptyItems && isEmptyFilters {
            throw ValidationErrors("non_field_errors", "List of items or filters must be provided for bulk operation")
        }
        if isEmptyItems {
            ids = nil
        } else {
            guard case .array(let list)? = items else { throw ValidationErrors("non_field_errors", "Items must be provided as a list") }
            let ids = list.compactMap(ResourceWriter.integer)
            guard ids.count == list.count else { throw ValidationErrors("non_field_errors", "Invalid items list provided") }
            self.ids = ids
        }
        if isEmptyFilters {
            self.filters = nil
        } else {
            guard case .object(let members)? = filters else { throw ValidationErrors("non_field_errors", "Filters must be provided as a dict") }
            self.filters = members
        }
    }

    static let invalidFilters = ValidationErrors("non_field_errors", "Invalid filters provided")
    static let nothingFound = ValidationErrors("non_field_errors", "No items found to delete")
}
