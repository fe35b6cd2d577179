import Postgres

/// Indexes that let stockroom-proxy find the record owning a media file without scanning tables.
enum Migration0011MediaOwnerIndexes {
    static let migration = Migration(version: 11, name: "media_owner_indexes", sql: """
        CREATE INDEX part_part_image ON part_part (image);
        CREATE INDEX company_company_image ON company_company (image);
        CREATE INDEX common_attachment_file ON common_attachment (attachment);
        CREATE INDEX common_attachment_thumbnail ON common_attachment (thumbnail);
        CREATE INDEX stock_stockitemtestresult_attachment ON stock_stockitemtestresult (attachment);
        """)
}
