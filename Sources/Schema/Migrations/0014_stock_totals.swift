import Postgres

/// Per-part stock figures and table row counts kept exact by triggers in the transaction of every change, so
/// that a page of parts reads precomputed numbers by primary key instead of summing stock items, and an
/// unfiltered list reads its `count` instead of counting the table.
///
/// `part_stocktotal` holds, per part, the sums over its stock items of: the quantity in stock (InvenTree's
/// IN_STOCK_FILTER, statuses OK, attention, damaged), the number of items, the quantity being built, and the
/// quantity in stock at external locations. Triggers add the difference each statement makes (never recompute
/// from a snapshot), so concurrent transactions on the same part add up instead of overwriting each other.
/// A part without a row has no stock items and all figures zero. `stockroom_rowcount` holds the row counts of `part_part` and
/// `stock_stockitem`.
enum Migration0014StockTotals {
    /// InvenTree's IN_STOCK_FILTER over stock item row `r` (the same rule as `PartSQL.inStockCondition`).
    static func inStock(_ r: String) -> String {
        """
        \(r).quantity > 0 AND \(r).sales_order_id IS NULL AND \(r).belongs_to_id IS NULL AND \(r).customer_id IS NULL \
        AND \(r).consumed_by_id IS NULL AND NOT \(r).is_building AND \(r).status IN (10, 50, 55)
        """
    }

    /// Each row's figures from `rows` (a table or transition table of stock items), multiplied by `sign`.
    static func figures(_ rows: String, sign: Int) -> String {
        """
        SELECT r.part_id, \(sign) * CASE WHEN \(inStock("r")) THEN r.quantity ELSE 0 END AS in_stock, \(sign) AS item_count,
            \(sign) * CASE WHEN r.is_building THEN r.quantity ELSE 0 END AS building,
            \(sign) * CASE WHEN \(inStock("r")) AND l.external THEN r.quantity ELSE 0 END AS external_stock
        FROM \(rows) r LEFT JOIN stock_stocklocation l ON l.id = r.location_id
        """
    }

    /// Adds the summed differences of `deltas` (rows of part_id and the four figures) to `part_stocktotal`,
    /// in part order (so that concurrent statements lock the rows in the same order).
    static func addDeltas(_ deltas: String) -> String {
        """
        INSERT INTO part_stocktotal AS t (part_id, in_stock, item_count, building, external_stock)
        SELECT d.part_id, sum(d.in_stock), sum(d.item_count), sum(d.building), sum(d.external_stock) FROM (\(deltas)) d
        GROUP BY d.part_id
        HAVING sum(d.in_stock) <> 0 OR sum(d.item_count) <> 0 OR sum(d.building) <> 0 OR sum(d.external_stock) <> 0
        ORDER BY d.part_id
        ON CONFLICT (part_id) DO UPDATE SET in_stock = t.in_stock + excluded.in_stock,
            item_count = t.item_count + excluded.item_count, building = t.building + excluded.building,
            external_stock = t.external_stock + excluded.external_stock
        """
    }

    /// Drops the rows of parts in `parts` left without stock items (then every figure is zero), so that the table
    /// holds only parts with stock, whatever order a deleted part and its cascading stock items go in.
    static func dropEmpty(_ parts: String) -> String {
        "DELETE FROM part_stocktotal t WHERE t.item_count = 0 AND t.part_id IN (SELECT r.part_id FROM \(parts) r)"
    }

    static func addRows(_ table: String, _ difference: String) -> String {
        "UPDATE stockroom_rowcount SET row_count = row_count + (\(difference)) WHERE table_name = '\(table)'"
    }

    static let migration = Migration(version: 14, name: "stock_totals", sql: """
        CREATE TABLE part_stocktotal (
            part_id integer PRIMARY KEY,
            in_stock numeric NOT NULL DEFAULT 0,
            item_count bigint NOT NULL DEFAULT 0,
            building numeric NOT NULL DEFAULT 0,
            external_stock numeric NOT NULL DEFAULT 0
        );
        CREATE TABLE stockroom_rowcount (
            table_name text PRIMARY KEY,
            row_count bigint NOT NULL
        );

        CREATE FUNCTION stockroom_stock_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            \(addDeltas(figures("new_rows", sign: 1)));
            \(addRows("stock_stockitem", "SELECT count(*) FROM new_rows"));
            RETURN NULL;
        END $$;
        CREATE FUNCTION stockroom_stock_updated() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            \(addDeltas(figures("new_rows", sign: 1) + " UNION ALL " + figures("old_rows", sign: -1)));
            \(dropEmpty("old_rows"));
            RETURN NULL;
        END $$;
        CREATE FUNCTION stockroom_stock_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            \(addDeltas(figures("old_rows", sign: -1)));
            \(dropEmpty("old_rows"));
            \(addRows("stock_stockitem", "SELECT -count(*) FROM old_rows"));
            RETURN NULL;
        END $$;
        CREATE FUNCTION stockroom_stock_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM part_stocktotal;
            UPDATE stockroom_rowcount SET row_count = 0 WHERE table_name = 'stock_stockitem';
            RETURN NULL;
        END $$;
        CREATE TRIGGER stock_stockitem_totals_insert AFTER INSERT ON stock_stockitem
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stockroom_stock_inserted();
        CREATE TRIGGER stock_stockitem_totals_update AFTER UPDATE ON stock_stockitem
            REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stockroom_stock_updated();
        CREATE TRIGGER stock_stockitem_totals_delete AFTER DELETE ON stock_stockitem
            REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stockroom_stock_deleted();
        CREATE TRIGGER stock_stockitem_totals_truncate AFTER TRUNCATE ON stock_stockitem
            FOR EACH STATEMENT EXECUTE FUNCTION stockroom_stock_truncated();

        -- A location that becomes external (or stops being so) moves its items' stock in or out of external_stock;
        -- a deleted external location takes it out before its items lose their location.
        CREATE FUNCTION stockroom_location_external_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            changed_location integer := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
            direction integer := CASE WHEN TG_OP = 'UPDATE' AND NEW.external THEN 1 ELSE -1 END;
        BEGIN
            \(addDeltas("""
                SELECT s.part_id, 0 AS in_stock, 0 AS item_count, 0 AS building, direction * s.quantity AS external_stock
                FROM stock_stockitem s WHERE s.location_id = changed_location AND \(inStock("s"))
                """));
            RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END $$;
        CREATE TRIGGER stock_stocklocation_external_update AFTER UPDATE OF external ON stock_stocklocation
            FOR EACH ROW WHEN (OLD.external IS DISTINCT FROM NEW.external) EXECUTE FUNCTION stockroom_location_external_changed();
        CREATE TRIGGER stock_stocklocation_external_delete BEFORE DELETE ON stock_stocklocation
            FOR EACH ROW WHEN (OLD.external) EXECUTE FUNCTION stockroom_location_external_changed();

        CREATE FUNCTION stockroom_part_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            \(addRows("part_part", "SELECT count(*) FROM new_rows"));
            RETURN NULL;
        END $$;
        CREATE FUNCTION stockroom_part_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            \(addRows("part_part", "SELECT -count(*) FROM old_rows"));
            RETURN NULL;
        END $$;
        CREATE FUNCTION stockroom_part_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM part_stocktotal;
            UPDATE stockroom_rowcount SET row_count = 0 WHERE table_name = 'part_part';
            RETURN NULL;
        END $$;
        CREATE TRIGGER part_part_rowcount_insert AFTER INSERT ON part_part
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stockroom_part_inserted();
        CREATE TRIGGER part_part_rowcount_delete AFTER DELETE ON part_part
            REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stockroom_part_deleted();
        CREATE TRIGGER part_part_rowcount_truncate AFTER TRUNCATE ON part_part
            FOR EACH STATEMENT EXECUTE FUNCTION stockroom_part_truncated();

        INSERT INTO stockroom_rowcount (table_name, row_count) VALUES
            ('part_part', (SELECT count(*) FROM part_part)), ('stock_stockitem', (SELECT count(*) FROM stock_stockitem));
        \(addDeltas(figures("stock_stockitem", sign: 1)));

        -- Pages in the default orders (parts by name, stock by part name and serial) read an index, not a sort;
        -- a page's revision counts read their parts' revisions by key.
        CREATE INDEX part_part_name ON part_part (name, id);
        CREATE INDEX stock_stockitem_part_order ON stock_stockitem (part_id, serial_int, serial, id);
        CREATE INDEX part_part_revision_of ON part_part (revision_of_id);
        -- The new order index leads with part_id, so the two that did are redundant; installed and split items are few,
        -- so their keys are indexed only where set: a plain stock insert maintains four index entries fewer.
        DROP INDEX stock_stockitem_part, stock_stockitem_part_serial, stock_stockitem_belongs_to, stock_stockitem_parent;
        CREATE INDEX stock_stockitem_belongs_to ON stock_stockitem (belongs_to_id) WHERE belongs_to_id IS NOT NULL;
        CREATE INDEX stock_stockitem_parent ON stock_stockitem (parent_id) WHERE parent_id IS NOT NULL;
        """)
}
