import FoundationEssentials
import Glibc
import Postgres

/// Generates a large, realistic inventory for benchmarks: a deep location tree (sites, buildings,
/// floors, rooms, racks, shelves, bins), a category taxonomy, parts with IPNs, and stock items with
/// batches, serial numbers for trackable parts, statuses and a creation tracking entry each. Locations
/// and parts go in thousands at a time as `unnest` of array parameters; stock items and their tracking
/// entries are made by PostgreSQL from `generate_series`. All in one transaction, after any data already
/// there.
public enum DemoGenerator {
    /// How much to make.
    public struct Options: Sendable {
        public var parts: Int
        public var stock: Int
        public var locations: Int
        public var seed: UInt64
        /// Rows per INSERT statement.
        public var batchSize: Int

        public init(parts: Int, stock: Int, locations: Int, seed: UInt64 = 1, batchSize: Int = 20_000) {
            self.parts = parts
            self.stock = stock
            self.locations = locations
            self.seed = seed
            self.batchSize = max(1, batchSize)
        }
    }

    /// What was made and how long it took.
    public struct Report: Sendable, CustomStringConvertible {
        public var locations = 0
        public var categories = 0
        public var parts = 0
        public var stockItems = 0
        public var trackingEntries = 0
        public var seconds = 0.0

        public var description: String {
            let time = (seconds * 100).rounded() / 100
            return "generated \(locations) locations, \(categories) categories, \(parts) parts, \(stockItems) stock items, "
                + "\(trackingEntries) tracking entries in \(time) s"
        }
    }

    /// Generates the inventory on `connection` in one transaction; `progress` gets (stage, done, total).
    public static func run(_ options: Options, connection: PostgresConnection,
                           progress: ((String, Int, Int) -> Void)? = nil) throws -> Report {
        guard options.parts >= 0, options.stock >= 0, options.locations >= 0 else {
            throw PostgresError(.usage, "generate-demo: counts must not be negative")
        }
        guard options.stock == 0 || (options.parts > 0 && options.locations > 0) else {
            throw PostgresError(.usage, "generate-demo: stock items need at least one part and one location")
        }
        let started = DispatchClock.now()
        var report = Report()
        try connection.transaction { connection in
            try connection.execute("SET LOCAL synchronous_commit = off")
            var random = DemoRandom(seed: options.seed)
            let locations = try insertLocations(options, connection: connection, progress: progress)
            report.locations = locations.all
            let leaves = try insertCategories(connection: connection)
            report.categories = leaves.count
            let parts = try insertParts(options, leaves: leaves.leaves, random: &random, connection: connection, progress: progress)
            report.parts = parts.count
            let items = try insertStock(options, parts: parts, locations: locations.stockable,
                                        connection: connection, progress: progress)
            report.stockItems = items
            report.trackingEntries = items
            for table in ["stock_stocklocation", "part_partcategory", "part_part", "stock_stockitem", "stock_stockitemtracking"] {
                try connection.execute("SELECT setval(pg_get_serial_sequence('\(table)', 'id'), coalesce((SELECT max(id) FROM \(table)), 0) + 1, false)")
            }
        }
        // Until autovacuum gets to them, the planner would take the grown tables for the small ones they were.
        try connection.execute("ANALYZE")
        report.seconds = DispatchClock.seconds(since: started)
        return report
    }

    private static func nextID(_ table: String, _ connection: PostgresConnection) throws -> Int {
        try connection.query("SELECT coalesce(max(id), 0) + 1 FROM \(table)").singleRow().decode(0, as: Int.self)
    }

    // MARK: Locations

    private static func insertLocations(_ options: Options, connection: PostgresConnection,
                                        progress: ((String, Int, Int) -> Void)?) throws -> (all: Int, stockable: [Int]) {
        guard options.locations > 0 else { return (0, []) }
        var perSite = 1, width = 1
        for branch in DemoNames.branching {
            width *= branch
            perSite += width
        }
        let sites = (options.locations + perSite - 1) / perSite
        var id = try nextID("stock_stocklocation", connection)
        // Breadth first, level by level: a parent is always inserted before its children.
        var level: [(id: Int, parent: Int?, name: String)] = []
        for site in 0..<sites {
            level.append((id, nil, DemoNames.location(level: 0, index: site)))
            id += 1
        }
        var made = 0
        var stockable: [Int] = []
        var allIDs: [Int] = []
        var depth = 0
        while !level.isEmpty && made < options.locations {
            let taken = Array(level.prefix(options.locations - made))
            var ids = PostgresArrayLiteral(), parents = PostgresArrayLiteral(), names = PostgresArrayLiteral(), structural = PostgresArrayLiteral(), descriptions = PostgresArrayLiteral()
            for row in taken {
                ids.append(row.id)
                parents.append(row.parent)
                names.append(row.name)
                structural.append(depth <= 2)
                descriptions.append(depth <= 2 ? "" : "Storage at " + row.name)
                if depth > 2 { stockable.append(row.id) }
            }
            try connection.execute("""
                INSERT INTO stock_stocklocation (id, parent_id, name, structural, description, tree_path, pathstring)
                SELECT id, parent_id, name, structural, description, '{}', '' FROM unnest($1::integer[], $2::integer[], $3::text[], $4::boolean[], $5::text[])
                    AS t(id, parent_id, name, structural, description) ORDER BY id
                """, [ids.literal, parents.literal, names.literal, structural.literal, descriptions.literal])
            allIDs += taken.map(\.id)
            made += taken.count
            progress?("locations", made, options.locations)
            guard depth < DemoNames.branching.count else { break }
            var next: [(id: Int, parent: Int?, name: String)] = []
            for row in taken {
                for child in 0..<DemoNames.branching[depth] {
                    next.append((id, row.id, DemoNames.location(level: depth + 1, index: child)))
                    id += 1
                }
                if made + next.count >= options.locations { break }
            }
            level = next
            depth += 1
        }
        // A tree too small to reach the rooms keeps its stock in whatever it has.
        return (made, stockable.isEmpty ? allIDs : stockable)
    }

    // MARK: Categories

    private static func insertCategories(connection: PostgresConnection) throws -> (count: Int, leaves: [(id: Int, kind: DemoNames.Kind)]) {
        var id = try nextID("part_partcategory", connection)
        var byPath: [[String]: Int] = [:]
        var rows: [(id: Int, parent: Int?, name: String, depth: Int)] = []
        var leaves: [(id: Int, kind: DemoNames.Kind)] = []
        for (path, kind) in DemoNames.leaves {
            for length in 1...path.count {
                let prefix = Array(path.prefix(length))
                if byPath[prefix] == nil {
                    byPath[prefix] = id
                    rows.append((id, length > 1 ? byPath[Array(path.prefix(length - 1))] : nil, path[length - 1], length - 1))
                    id += 1
                }
            }
            if let leaf = byPath[path] { leaves.append((leaf, kind)) }
        }
        for depth in 0...(rows.map(\.depth).max() ?? 0) {
            var ids = PostgresArrayLiteral(), parents = PostgresArrayLiteral(), names = PostgresArrayLiteral()
            for row in rows where row.depth == depth {
                ids.append(row.id)
                parents.append(row.parent)
                names.append(row.name)
            }
            try connection.execute("""
                INSERT INTO part_partcategory (id, parent_id, name, tree_path, pathstring)
                SELECT id, parent_id, name, '{}', '' FROM unnest($1::integer[], $2::integer[], $3::text[]) AS t(id, parent_id, name) ORDER BY id
                """, [ids.literal, parents.literal, names.literal])
        }
        return (rows.count, leaves)
    }

    // MARK: Parts

    struct GeneratedPart {
        let id: Int
        let trackable: Bool
        let kind: DemoNames.Kind
    }

    private static func insertParts(_ options: Options, leaves: [(id: Int, kind: DemoNames.Kind)], random: inout DemoRandom,
                                    connection: PostgresConnection, progress: ((String, Int, Int) -> Void)?) throws -> [GeneratedPart] {
        var id = try nextID("part_part", connection)
        var parts: [GeneratedPart] = []
        parts.reserveCapacity(options.parts)
        var done = 0
        while done < options.parts {
            let count = min(options.batchSize, options.parts - done)
            var ids = PostgresArrayLiteral(), names = PostgresArrayLiteral(), descriptions = PostgresArrayLiteral(), keywords = PostgresArrayLiteral()
            var categories = PostgresArrayLiteral(), ipns = PostgresArrayLiteral(), assembly = PostgresArrayLiteral(), component = PostgresArrayLiteral()
            var purchaseable = PostgresArrayLiteral(), salable = PostgresArrayLiteral(), trackable = PostgresArrayLiteral(), units = PostgresArrayLiteral()
            var minimum = PostgresArrayLiteral(), age = PostgresArrayLiteral()
            for _ in 0..<count {
                let leaf = random.pick(leaves)
                let text = DemoNames.part(leaf.kind, serial: id, random: &random)
                let isAssembly = DemoNames.isAssembly(leaf.kind)
                let isTrackable = isAssembly && leaf.kind != .cableAssembly && random.chance(60)
                ids.append(id)
                names.append(text.name)
                descriptions.append(text.description)
                keywords.append(text.keywords)
                categories.append(leaf.id)
                ipns.append("PRT-" + String(id).leftPadded(to: 6))
                assembly.append(isAssembly)
                component.append(leaf.kind != .product)
                purchaseable.append(!isAssembly)
                salable.append(leaf.kind == .product || leaf.kind == .pcbAssembly)
                trackable.append(isTrackable)
                units.append(DemoNames.unitsOf(leaf.kind))
                minimum.append(random.chance(30) ? (1 + random.below(20)) * 10 : 0)
                age.append(random.below(3 * 365))
                parts.append(GeneratedPart(id: id, trackable: isTrackable, kind: leaf.kind))
                id += 1
            }
            try connection.execute("""
                INSERT INTO part_part (id, name, description, keywords, category_id, ipn, assembly, component, purchaseable,
                    salable, trackable, units, minimum_stock, creation_date, active)
                SELECT id, name, description, keywords, category_id, ipn, assembly, component, purchaseable, salable,
                    trackable, units, minimum_stock, current_date - age, true
                FROM unnest($1::integer[], $2::text[], $3::text[], $4::text[], $5::integer[], $6::text[], $7::boolean[],
                    $8::boolean[], $9::boolean[], $10::boolean[], $11::boolean[], $12::text[], $13::integer[], $14::integer[])
                    AS t(id, name, description, keywords, category_id, ipn, assembly, component, purchaseable, salable,
                         trackable, units, minimum_stock, age)
                """, [ids.literal, names.literal, descriptions.literal, keywords.literal, categories.literal, ipns.literal,
                      assembly.literal, component.literal, purchaseable.literal, salable.literal, trackable.literal,
                      units.literal, minimum.literal, age.literal])
            done += count
            progress?("parts", done, options.parts)
        }
        return parts
    }

    // MARK: Stock

    static let statuses: [(Int, Int)] = [(10, 90), (50, 4), (55, 3), (75, 2), (70, 1)]

    /// Stock items are made by PostgreSQL itself, batch by batch (`generate_series` over the batch's ids): each
    /// item's choices come from hashes of its number and the seed, so nothing crosses the socket but the batch
    /// bounds. Trackable parts get one item per serial number, numbered on from the part's highest serial.
    private static func insertStock(_ options: Options, parts: [GeneratedPart], locations: [Int],
                                    connection: PostgresConnection, progress: ((String, Int, Int) -> Void)?) throws -> Int {
        guard options.stock > 0, let firstPart = parts.first?.id else { return 0 }
        let firstID = try nextID("stock_stockitem", connection)
        var locationColumn = PostgresArrayLiteral()
        for location in locations { locationColumn.append(location) }
        let seed = Int(truncatingIfNeeded: options.seed & 0x0FFF_FFFF_FFFF)
        var done = 0
        while done < options.stock {
            let count = min(options.batchSize, options.stock - done)
            let first = firstID + done, last = firstID + done + count - 1
            try connection.execute(stockStatement, [first, last, firstID, seed, firstPart, parts.count, locationColumn.literal])
            try connection.execute("""
                INSERT INTO stock_stockitemtracking (tracking_type, item_id, part_id, date, notes, deltas)
                SELECT \(StockHistoryCode.created.rawValue), s.id, s.part_id, s.creation_date, '',
                    jsonb_build_object('status', s.status, 'quantity', s.quantity::float8, 'location', s.location_id)
                FROM stock_stockitem s WHERE s.id BETWEEN $1 AND $2
                """, [first, last])
            done += count
            progress?("stock", done, options.stock)
        }
        return done
    }

    /// `$1`..`$2` the batch's ids, `$3` the first generated id (the numbers hashed), `$4` the seed, `$5` and `$6` the
    /// generated parts (consecutive ids), `$7` the locations that hold stock.
    private static let stockStatement: String = {
        // A uniform choice in 0..<bound from the item's number and the seed, one stream per use.
        func pick(_ stream: Int, _ bound: String) -> String {
            "(abs(hashint8extended(g.n, $4::bigint * 16 + \(stream))) % (\(bound)))"
        }
        var status = "CASE"
        var threshold = 0
        for (code, weight) in statuses {
            threshold += weight
            status += " WHEN \(pick(5, "100")) < \(threshold) THEN \(code)"
        }
        status += " ELSE 10 END"
        return """
            INSERT INTO stock_stockitem (id, part_id, location_id, quantity, serial, serial_int, batch, status, creation_date, updated)
            SELECT c.id, c.part_id, c.location_id,
                CASE WHEN c.trackable THEN 1 ELSE c.quantity END,
                CASE WHEN c.trackable THEN (c.serial_base + row_number() OVER (PARTITION BY c.part_id, c.trackable ORDER BY c.id))::text END,
                CASE WHEN c.trackable THEN c.serial_base + row_number() OVER (PARTITION BY c.part_id, c.trackable ORDER BY c.id) ELSE 0 END,
                c.batch, c.status, c.created, c.created
            FROM (
                SELECT g.id, p.id AS part_id, p.trackable,
                    ($7::integer[])[1 + \(pick(2, "cardinality($7::integer[])"))] AS location_id,
                    CASE WHEN p.units = '' THEN (1 + \(pick(3, "CASE WHEN \(pick(4, "100")) < 20 THEN 5000 ELSE 200 END")))::numeric
                        ELSE ((1 + \(pick(3, "100"))) || '.' || \(pick(6, "10")))::numeric END AS quantity,
                    CASE WHEN \(pick(7, "100")) < 60 THEN 'B' || (24 + \(pick(8, "3"))) || lpad((1 + \(pick(9, "12")))::text, 2, '0')
                        || '-' || (100 + \(pick(10, "900"))) END AS batch,
                    \(status) AS status,
                    now() - \(pick(11, "\(3 * 365 * 24 * 3600)")) * interval '1 second' AS created,
                    CASE WHEN p.trackable THEN (SELECT coalesce(max(s.serial_int), 0) FROM stock_stockitem s WHERE s.part_id = p.id) END
                        AS serial_base
                FROM (SELECT id, (id - $3::integer)::bigint AS n FROM generate_series($1::integer, $2::integer) id) g
                JOIN part_part p ON p.id = $5::integer + \(pick(1, "$6::integer"))
            ) c
            ORDER BY c.id
            """
    }()
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

/// Wall-clock seconds for reports.
enum DispatchClock {
    static func now() -> timespec {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return time
    }

    static func seconds(since start: timespec) -> Double {
        let end = now()
        return Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
    }
}
