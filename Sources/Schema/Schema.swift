import Postgres

/// The database schema of this version of Stockroom: every migration, in order.
public enum Schema {
    public static let migrations: [Migration] = [
        Migration0001DaemonInstances.migration,
        Migration0002Users.migration,
        Migration0003Common.migration,
        Migration0004Trees.migration,
        Migration0005Parts.migration,
        Migration0006Companies.migration,
        Migration0007Stock.migration,
        Migration0008Orders.migration,
        Migration0009Builds.migration,
        Migration0010Tasks.migration,
        Migration0011MediaOwnerIndexes.migration,
        Migration0012TaskScheduleDetails.migration,
        Migration0013PartCategoryStars.migration,
        Migration0014StockTotals.migration,
        Migration0015DataVersion.migration,
    ]

    /// The schema version this code needs; daemons refuse to start on an older database.
    public static var version: Int { migrations.last?.version ?? 0 }
}

extension Schema {
    /// The tables whose changes do not raise `stockroom_dataversion` (every other table's do).
    public static var tablesOutsideDataVersion: [String] { Migration0015DataVersion.untracked }
}
