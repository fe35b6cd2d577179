/// SQL for InvenTree's part annotations (part/filters.py), over a part row `t` (or the id expression given).
enum PartSQL {
    /// InvenTree's IN_STOCK_FILTER over stock item `s`: available status (OK, attention, damaged), not sent,
    /// not installed, not consumed, not in production, quantity above zero.
    static let inStockCondition = """
        s.quantity > 0 AND s.sales_order_id IS NULL AND s.belongs_to_id IS NULL AND s.customer_id IS NULL \
        AND s.consumed_by_id IS NULL AND NOT s.is_building AND s.status IN (10, 50, 55)
        """
    /// The ids of every variant below `part` (recursively), excluding it.
    static func variants(of part: String) -> String {
        """
        (WITH RECURSIVE v(id) AS (SELECT p.id FROM part_part p WHERE p.variant_of_id = \(part) \
        UNION ALL SELECT p.id FROM part_part p JOIN v ON p.variant_of_id = v.id) SELECT id FROM v)
        """
    }

    /// The part's stock in stock, from the totals migration 14's triggers keep (`part_stocktotal`).
    static func inStock(_ part: String = "t.id") -> String {
        "coalesce((SELECT st.in_stock FROM part_stocktotal st WHERE st.part_id = \(part)), 0)"
    }

    static func variantStock(_ part: String = "t.id") -> String {
        "(SELECT coalesce(sum(st.in_stock), 0) FROM part_stocktotal st WHERE st.part_id IN \(variants(of: part)))"
    }

    /// `in_stock + variant_stock` (InvenTree's `total_in_stock`), for filters.
    static func totalInStock(_ part: String = "t.id") -> String { "(\(inStock(part)) + \(variantStock(part)))" }

    /// Open purchase orders (pending, placed, on hold): what is still to be received, in the part's units.
    static func onOrder(part: String) -> String {
        """
        (SELECT coalesce(sum((l.quantity - l.received) * sp.pack_quantity_native), 0) FROM order_purchaseorderlineitem l \
        JOIN order_purchaseorder o ON o.id = l.order_id JOIN company_supplierpart sp ON sp.id = l.part_id \
        WHERE sp.part_id = \(part) AND o.status IN (10, 20, 25) AND l.quantity > l.received)
        """
    }

    /// Active builds (pending, production, on hold).
    static let activeBuild = "b.status IN (10, 20, 25)"
    static let allocatedToBuilds = """
        (SELECT coalesce(sum(bi.quantity), 0) FROM build_builditem bi JOIN stock_stockitem s ON s.id = bi.stock_item_id \
        JOIN build_buildline bl ON bl.id = bi.build_line_id JOIN build_build b ON b.id = bl.build_id \
        WHERE s.part_id = t.id AND \(activeBuild))
        """
    /// Allocations to open sales orders (pending, in progress, on hold) not yet shipped.
    static let allocatedToSales = """
        (SELECT coalesce(sum(a.quantity), 0) FROM order_salesorderallocation a JOIN stock_stockitem s ON s.id = a.item_id \
        JOIN order_salesorderlineitem li ON li.id = a.line_id JOIN order_salesorder o ON o.id = li.order_id \
        LEFT JOIN order_salesordershipment sh ON sh.id = a.shipment_id \
        WHERE s.part_id = t.id AND o.status IN (10, 15, 25) AND sh.shipment_date IS NULL)
        """

    /// The page-only joins: the stock totals of the page's parts by key, and every other figure in one grouped pass per table
    /// (`ResourceReader.pageIDs` holds the page's ids).
    static let pageJoins = """
        LEFT JOIN part_stocktotal st ON st.part_id = t.id \
        LEFT JOIN (WITH RECURSIVE v(root, id) AS (SELECT p.variant_of_id, p.id FROM part_part p WHERE p.variant_of_id = ANY(\(ResourceReader.pageIDs)) \
        UNION ALL SELECT v.root, p.id FROM part_part p JOIN v ON p.variant_of_id = v.id) \
        SELECT v.root, sum((SELECT vt.in_stock FROM part_stocktotal vt WHERE vt.part_id = v.id)) AS quantity FROM v GROUP BY v.root) vs ON vs.root = t.id \
        LEFT JOIN (SELECT s.part_id, sum(bi.quantity) AS quantity FROM build_builditem bi JOIN stock_stockitem s ON s.id = bi.stock_item_id \
        JOIN build_buildline bl ON bl.id = bi.build_line_id JOIN build_build b ON b.id = bl.build_id \
        WHERE s.part_id = ANY(\(ResourceReader.pageIDs)) AND \(activeBuild) GROUP BY s.part_id) ba ON ba.part_id = t.id \
        LEFT JOIN (SELECT s.part_id, sum(a.quantity) AS quantity FROM order_salesorderallocation a JOIN stock_stockitem s ON s.id = a.item_id \
        JOIN order_salesorderlineitem li ON li.id = a.line_id JOIN order_salesorder o ON o.id = li.order_id \
        LEFT JOIN order_salesordershipment sh ON sh.id = a.shipment_id \
        WHERE s.part_id = ANY(\(ResourceReader.pageIDs)) AND o.status IN (10, 15, 25) AND sh.shipment_date IS NULL GROUP BY s.part_id) sa \
        ON sa.part_id = t.id \
        LEFT JOIN (SELECT bi.sub_part_id AS part_id, sum(greatest(bl.quantity - bl.consumed, 0)) AS quantity FROM build_buildline bl \
        JOIN part_bomitem bi ON bi.id = bl.bom_item_id JOIN build_build b ON b.id = bl.build_id \
        WHERE bi.sub_part_id = ANY(\(ResourceReader.pageIDs)) AND \(activeBuild) GROUP BY bi.sub_part_id) rb ON rb.part_id = t.id \
        LEFT JOIN (SELECT r.revision_of_id AS part_id, count(*) AS revisions FROM part_part r \
        WHERE r.revision_of_id = ANY(\(ResourceReader.pageIDs)) GROUP BY r.revision_of_id) rv ON rv.part_id = t.id \
        LEFT JOIN (SELECT sp.part_id, count(*) AS suppliers FROM company_supplierpart sp \
        WHERE sp.part_id = ANY(\(ResourceReader.pageIDs)) GROUP BY sp.part_id) su ON su.part_id = t.id \
        LEFT JOIN (SELECT sp.part_id, sum((l.quantity - l.received) * sp.pack_quantity_native) AS quantity FROM company_supplierpart sp \
        JOIN order_purchaseorderlineitem l ON l.part_id = sp.id JOIN order_purchaseorder o ON o.id = l.order_id \
        WHERE sp.part_id = ANY(\(ResourceReader.pageIDs)) AND o.status IN (10, 20, 25) AND l.quantity > l.received \
        GROUP BY sp.part_id) po ON po.part_id = t.id \
        LEFT JOIN (SELECT k.part_id, max(k.date) AS last FROM part_partstocktake k WHERE k.part_id = ANY(\(ResourceReader.pageIDs)) \
        GROUP BY k.part_id) lk ON lk.part_id = t.id \
        LEFT JOIN (SELECT li.part_id, sum(greatest(li.quantity - li.shipped, 0)) AS quantity FROM order_salesorderlineitem li \
        JOIN order_salesorder o ON o.id = li.order_id WHERE li.part_id = ANY(\(ResourceReader.pageIDs)) AND o.status IN (10, 15, 25) \
        GROUP BY li.part_id) rs ON rs.part_id = t.id \
        LEFT JOIN (SELECT b.part_id, sum(greatest(b.quantity - b.completed, 0)) AS quantity FROM build_build b \
        WHERE b.part_id = ANY(\(ResourceReader.pageIDs)) AND \(activeBuild) GROUP BY b.part_id) sb ON sb.part_id = t.id
        """
    /// The figures `pageJoins` give, by field name.
    static let inStockPage = "coalesce(st.in_stock, 0)"
    static let onOrderPage = "coalesce(po.quantity, 0)"
    static let stockItemsPage = "coalesce(st.item_count, 0)"
    static let buildingPage = "coalesce(st.building, 0)"
    static let externalStockPage = "coalesce(st.external_stock, 0)"
    static let variantStockPage = "coalesce(vs.quantity, 0)"
    static let totalInStockPage = "(\(inStockPage) + \(variantStockPage))"
    static let buildAllocatedPage = "coalesce(ba.quantity, 0)"
    static let salesAllocatedPage = "coalesce(sa.quantity, 0)"
    static let unallocatedPage = "(\(totalInStockPage) - \(salesAllocatedPage) - \(buildAllocatedPage))"
    /// Unallocated stock as one expression (for `ordering`, which runs before the page exists).
    static let unallocated = "(\(totalInStock()) - \(allocatedToSales) - \(allocatedToBuilds))"

    /// InvenTree's default PART_NAME_FORMAT: `IPN | name | revision`, leaving out what is empty.
    static let fullName = "coalesce(nullif(t.ipn, '') || ' | ', '') || t.name || coalesce(' | ' || nullif(t.revision, ''), '')"
    static let image = ImageUpload.imageURL
    /// The thumbnail InvenTree's image field keeps beside the image (`x.thumbnail.png`), or the blank image.
    static let thumbnail = """
        CASE WHEN coalesce(t.image, '') = '' THEN '/static/img/blank_image.thumbnail.png' \
        ELSE '/media/' || regexp_replace(t.image, '(\\.[^./]*)$', '.thumbnail\\1') END
        """
    /// The first default location up the category tree, from the part's category.
    static let categoryDefaultLocation = """
        (SELECT a.default_location_id FROM part_partcategory c JOIN part_partcategory a ON a.id = ANY(c.tree_path) \
        WHERE c.id = t.category_id AND a.default_location_id IS NOT NULL ORDER BY a.level DESC LIMIT 1)
        """
}
