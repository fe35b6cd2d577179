/// Why an import was refused; the message names the file position, record (model and pk) and field
/// where there is one.
public struct ImportError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }

    /// An error about one field of one record.
    static func record(_ record: InvenTreeRecord, field: String?, _ problem: String) -> ImportError {
        let place = field.map { " field '\($0)'" } ?? ""
        let origin = record.file.map { " in \($0)" } ?? ""
        return ImportError("record \(record.position + 1)\(origin) (\(record.model) pk \(record.pkDescription))\(place): \(problem)")
    }
}
