import HTTP

/// `part/<pk>/requirements/`: InvenTree's PartRequirementsSerializer (stock, allocations, what is needed and
/// how many can be built).
enum PartRequirements {
    /// How many assemblies the BOM allows from available stock (required, non-consumable lines only).
    static let canBuild = """
        coalesce((SELECT min(trunc(greatest((SELECT coalesce(sum(s.quantity), 0) FROM stock_stockitem s \
        WHERE s.part_id = b.sub_part_id AND \(PartSQL.inStockCondition)), 0) / b.quantity)) FROM part_bomitem b \
        WHERE b.part_id = t.id AND NOT b.optional AND NOT b.consumable AND b.quantity > 0), 0)
        """

    static let resource: Resource = {
        var resource = Resource(model: "part", verboseName: "Part", path: "/api/part/", table: "part_part", fields: [
            .computed("total_stock", .float, PartSQL.totalInStockPage, label: "Total Stock"),
            .computed("unallocated_stock", .float, PartSQL.unallocatedPage, label: "Available Stock"),
            .computed("can_build", .float, canBuild, label: "Can Build"),
            .computed("ordering", .float, PartSQL.onOrderPage, label: "On Order"),
            .computed("building", .float, PartSQL.buildingPage, label: "In Production"),
            .computed("scheduled_to_build", .float, "coalesce(sb.quantity, 0)", label: "Scheduled to Build"),
            .computed("required_for_build_orders", .float, "coalesce(rb.quantity, 0)", label: "Required for Build Orders"),
            .computed("allocated_to_build_orders", .float, PartSQL.buildAllocatedPage, label: "Allocated to Build Orders"),
            .computed("required_for_sales_orders", .float, "coalesce(rs.quantity, 0)", label: "Required for Sales Orders"),
            .computed("allocated_to_sales_orders", .float, PartSQL.salesAllocatedPage, label: "Allocated to Sales Orders"),
        ])
        resource.selectJoins = PartSQL.pageJoins
        resource.allowCreate = false
        resource.allowUpdate = false
        resource.allowDelete = false
        return resource
    }()

    static func register(_ router: APIRouter, _ context: APIContext) {
        for pattern in ["/api/part/:pk/requirements/", "/api/part/:pk/requirements"] {
            router.add(.GET, pattern, .authenticated, ResourceEndpoints.guarded(resource, .view) { call in
                let id = try ResourceEndpoints.primaryKey(call, resource)
                return try context.pool.withConnection { try ResourceEndpoints.detail(resource, call, id: id, $0) }
            })
        }
    }
}
