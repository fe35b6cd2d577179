/// InvenTree's `str2bool` for optional-detail query parameters (`?roles=true`, `?user_detail=1`).
enum QueryFlag {
    static func isSet(_ value: String?) -> Bool {
        guard let value else { return false }
        return ["1", "y", "yes", "t", "true", "on"].contains(value.lowercased())
    }
}
