import Foundation

/// One record of a Django `dumpdata` export: `{"model": ..., "pk": ..., "fields": {...}}`.
/// Field values are what JSONSerialization (or the fixture reader) produced: String, NSNumber,
/// Bool, NSNull, [Any] or [String: Any].
public struct InvenTreeRecord {
    /// `app_label.modelname`, lowercased.
    public let model: String
    /// The primary key, when the record has an integer one.
    public let pk: Int?
    public let fields: [String: Any]
    /// Index of the record in the import (0-based), for error messages.
    public let position: Int
    /// The file the record came from, when several files are imported together.
    public let file: String?

    var pkDescription: String { pk.map(String.init) ?? "none" }

    public init(model: String, pk: Int?, fields: [String: Any], position: Int, file: String? = nil) {
        self.model = model.lowercased()
        self.pk = pk
        self.fields = fields
        self.position = position
        self.file = file
    }
}

/// The records of one export file and what its metadata record says.
public struct InvenTreeDump {
    public var records: [InvenTreeRecord]
    /// InvenTree's API version from the metadata record of `invoke export-records` (nil when absent).
    public var apiVersion: Int?
    /// InvenTree's version string from the metadata record.
    public var sourceVersion: String?

    public init(records: [InvenTreeRecord], apiVersion: Int? = nil, sourceVersion: String? = nil) {
        self.records = records
        self.apiVersion = apiVersion
        self.sourceVersion = sourceVersion
    }
}
