import HTTP

extension HTTPRequest {
    /// The `<pk>` of the path as a value of InvenTree's `integer` key columns: nil when it is missing, not a number,
    /// or out of the column's range (which the database would refuse), so that each answers 404.
    var primaryKey: Int? {
        pathParameters["pk"].flatMap { Int32($0) }.map(Int.init)
    }
}
