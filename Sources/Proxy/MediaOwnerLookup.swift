import Postgres
import Redis

/// Finds the records a media file belongs to, as the tables whose view permission opens it:
/// part images (and their `.thumbnail`/`.preview` variants), company images, attachments (by their
/// `model_type`), test result attachments, and notes images (by the notes that show them).
/// Answers go through a short-lived Redis cache and come from PostgreSQL when Redis is away.
public final class MediaOwnerLookup: @unchecked Sendable {
    public let pool: PostgresPool
    public let redis: RedisPool?
    /// How long a known owner stays cached.
    public let ownerLifetime: Duration
    /// How long "no owner" stays cached (short: an upload may give the file an owner any moment).
    public let unknownLifetime: Duration
    static let keyPrefix = "stockroom:media:owner:"

    public init(pool: PostgresPool, redis: RedisPool?, ownerLifetime: Duration = .seconds(60),
                unknownLifetime: Duration = .seconds(5)) {
        self.pool = pool
        self.redis = redis
        self.ownerLifetime = ownerLifetime
        self.unknownLifetime = unknownLifetime
    }

    /// The tables of the records that own `path` (relative to the media root); empty when none does.
    public func owners(of path: String) throws -> [String] {
        let key = Self.keyPrefix + path
        if let redis, let cached = try? redis.getString(key) {
            return cached.isEmpty ? [] : cached.split(separator: ",").map(String.init)
        }
        let owners = try pool.withConnection { try Self.query(path, on: $0) }
        if let redis {
            _ = try? redis.set(key, owners.joined(separator: ","), expireAfter: owners.isEmpty ? unknownLifetime : ownerLifetime)
        }
        return owners
    }

    /// Forgets the cached owner of `path` (after an upload or a change of image).
    public func forget(_ path: String) {
        if let redis { _ = try? redis.del(Self.keyPrefix + path) }
    }

    /// The owner tables straight from PostgreSQL.
    public static func query(_ path: String, on connection: PostgresConnection) throws -> [String] {
        let original = Self.originalImage(of: path)
        var sql = """
            SELECT DISTINCT owner FROM (
                SELECT 'part_part' AS owner FROM part_part WHERE image IN ($1, $2)
                UNION ALL SELECT 'company_company' FROM company_company WHERE image IN ($1, $2)
                UNION ALL SELECT stockroom_model_table(model_type) FROM common_attachment WHERE attachment = $1 OR thumbnail = $1
                UNION ALL SELECT 'stock_stockitemtestresult' FROM stock_stockitemtestresult WHERE attachment = $1
            """
        if path.hasPrefix("notes/") {
            // Notes show their images by URL (`/media/notes/x.png`) in the markdown text.
            for table in notesTables {
                sql += "\n    UNION ALL (SELECT '\(table)' FROM \(table) WHERE strpos(notes, '/media/' || $1) > 0 LIMIT 1)"
            }
        }
        sql += "\n) owners WHERE owner IS NOT NULL ORDER BY owner"
        return try connection.query(sql, [path, original]).map { try $0.decode(0, as: String.self) }
    }

    /// Tables with a markdown `notes` field that may show uploaded images.
    static let notesTables = [
        "part_part", "stock_stockitem", "company_company", "order_purchaseorder", "order_salesorder",
        "order_returnorder", "build_build",
    ]

    /// `part_images/x.thumbnail.jpg` and `x.preview.jpg` are renditions of `part_images/x.jpg`.
    static func originalImage(of path: String) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        guard let name = segments.last else { return path }
        var parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[parts.count - 2] == "thumbnail" || parts[parts.count - 2] == "preview" else { return path }
        parts.remove(at: parts.count - 2)
        return (segments.dropLast().map(String.init) + [parts.joined(separator: ".")]).joined(separator: "/")
    }
}
