/// `part/category/`, `part/category/tree/` and `part/category/parameters/` (InvenTree's CategorySerializer,
/// CategoryTree and CategoryParameterTemplateSerializer).
enum CategoryResources {
    static let partCount = TreeSQL.itemCount("part_part", foreignKey: "category_id", tree: "part_partcategory")
    static let subcategories = TreeSQL.descendantCount("part_partcategory")
    static let path = TreeSQL.path("part_partcategory")
    static let treeOrder = TreeSQL.order

    static let category: Resource = {
        var resource = Resource(model: "partcategory", verboseName: "PartCategory", path: "/api/part/category/",
                                table: "part_partcategory", fields: [
            .readOnly("pk", "id", .integer, label: "ID"),
            .column("name", "name", .string(maxLength: 100, allowBlank: false), label: "Name", help: "Name", required: true),
            .column("description", "description", .string(maxLength: 250, allowBlank: true), label: "Description",
                    help: "Description (optional)", default: .string("")),
            .column("default_location", "default_location_id",
                    .related(model: "stocklocation", apiURL: "/api/stock/location/", table: "stock_stocklocation"),
                    label: "Default Location", help: "Default location for parts in this category", allowNull: true),
            .column("default_keywords", "default_keywords", .string(maxLength: 250, allowBlank: true), label: "Default keywords",
                    help: "Default keywords for parts in this category", allowNull: true),
            .readOnly("level", "level", .integer, label: "Level"),
            .column("parent", "parent_id", .related(model: "partcategory", apiURL: "/api/part/category/", table: "part_partcategory"),
                    label: "Parent Category", help: "Parent part category", allowNull: true),
            .computed("part_count", .integer, partCount, label: "Parts"),
            .computed("subcategories", .integer, subcategories, label: "Subcategories"),
            .readOnly("pathstring", "pathstring", .string(maxLength: 250, allowBlank: true), label: "Path", help: "Path"),
            .computed("path", .json, path, label: "Path", visibility: .flag("path_detail", default: false)),
            .computed("starred", .boolean, "false", label: "Starred", allowNull: false),
            .computed("url", .string(maxLength: nil, allowBlank: true), "'/web/part/category/' || t.id", label: "Url"),
            .column("structural", "structural", .boolean, label: "Structural",
                    help: "Parts may not be directly assigned to a structural category, but may be assigned to child categories.",
                    default: .bool(false)),
            .column("icon", "icon", .string(maxLength: 100, allowBlank: true), label: "Icon", help: "Icon (optional)",
                    allowNull: true, default: .string("")),
            .computed("parent_default_location", .integer, """
                (SELECT a.default_location_id FROM part_partcategory a WHERE a.id = ANY(t.tree_path) AND a.id <> t.id
                 AND a.default_location_id IS NOT NULL ORDER BY a.level DESC LIMIT 1)
                """, label: "Parent default location"),
        ])
        resource.listName = "Category List"
        resource.detailName = "Category Detail"
        resource.description = "API endpoint for accessing a list of PartCategory objects.\n\n- GET: Return a list of PartCategory objects\n- POST: Create a new PartCategory object"
        resource.filters = [
            parentFilter(table: "part_partcategory"),
            .exact("name", "t.name"),
            .exact("description", "t.description"),
            .boolean("structural", "t.structural"),
            .boolean("top_level", "t.parent_id IS NULL"),
            .boolean("starred", "false"),
            .related("exclude_tree", table: "part_partcategory", condition: "NOT (t.tree_path @> ARRAY[$::integer])"),
        ]
        resource.search = ["t.name ILIKE $", "t.description ILIKE $", "t.pathstring ILIKE $"]
        resource.ordering = [("name", "t.name"), ("pathstring", "t.pathstring"), ("level", "t.level"),
                             ("tree_id", "t.tree_path[1]"), ("lft", treeOrder), ("part_count", partCount)]
        resource.defaultOrdering = treeOrder
        resource.validate = { context in
            if context.values["parent"] != nil, let id = context.existingID, let parent = context.values["parent"] ?? nil,
               try !ResourceSQL.query(context.connection, "SELECT 1 FROM part_partcategory WHERE id = $1::integer AND tree_path @> ARRAY[$2::integer]",
                                      [parent, id]).isEmpty {
                context.errors.add("parent", "Cannot assign category as its own parent or as a child of itself")
            }
        }
        resource.cachesRows = true
        return resource
    }()

    /// `parent` with `cascade` (all descendants) and `depth`; `parent=null` (or none) means top level.
    static func parentFilter(table: String) -> ResourceFilter {
        ResourceFilter("parent") { text, builder in
            let cascade = FilterBuilder.flag(builder.query("cascade")) ?? false
            let depth = builder.query("depth").flatMap { Int($0) }
            if ["null", "none", "", "-1"].contains(text.lowercased()) {
                if !cascade { builder.add("t.parent_id IS NULL") }
                if cascade, let depth { builder.add("t.level <= \(builder.bind(depth))") }
                return
            }
            guard let id = try builder.relatedObject("parent", text, table: table) else { return }
            let placeholder = builder.bind(id)
            if cascade {
                builder.add("t.tree_path @> ARRAY[\(placeholder)::integer] AND t.id <> \(placeholder)")
                if let depth {
                    builder.add("t.level <= (SELECT level FROM \(table) WHERE id = \(placeholder)) + 1 + \(builder.bind(depth))")
                }
            } else {
                builder.add("t.parent_id = \(placeholder)")
            }
        }
    }

    static let tree: Resource = {
        var resource = Resource(model: "partcategory", verboseName: "PartCategory", path: "/api/part/category/tree/",
                                table: "part_partcategory", fields: [
            .readOnly("pk", "id", .integer, label: "ID"),
            .readOnly("name", "name", .string(maxLength: 100, allowBlank: false), label: "Name"),
            .readOnly("parent", "parent_id", .integer, label: "Parent", allowNull: true),
            .readOnly("icon", "icon", .string(maxLength: 100, allowBlank: true), label: "Icon", allowNull: true),
            .readOnly("structural", "structural", .boolean, label: "Structural"),
            .computed("subcategories", .integer, subcategories, label: "Subcategories"),
        ])
        resource.listName = "Category Tree"
        resource.allowCreate = false
        resource.allowUpdate = false
        resource.allowDelete = false
        resource.ordering = [("level", "t.level"), ("name", "t.name"), ("subcategories", subcategories)]
        resource.defaultOrdering = treeOrder
        return resource
    }()

    static let parameterTemplates: Resource = {
        var resource = Resource(model: "partcategoryparametertemplate", verboseName: "PartCategoryParameterTemplate",
                                path: "/api/part/category/parameters/", table: "part_partcategoryparametertemplate", fields: [
            .readOnly("pk", "id", .integer, label: "ID"),
            .column("category", "category_id", .related(model: "partcategory", apiURL: "/api/part/category/", table: "part_partcategory"),
                    label: "Category", help: "Part Category", required: true),
            ResourceField("category_detail", .nested(Expansion(key: "t.category_id") { category }),
                           label: "Category", visibility: .always),
            .column("template", "template_id", .related(model: "parametertemplate", apiURL: "/api/parameter/template/",
                                                       table: "common_parametertemplate"),
                    label: "Parameter Template", help: "Parameter Template", required: true),
            ResourceField("template_detail", .nested(Expansion(key: "t.template_id") { ParameterResources.template }),
                          label: "Template", visibility: .always),
            .column("default_value", "default_value", .string(maxLength: 500, allowBlank: true), label: "Default Value",
                    help: "Default Parameter Value", default: .string("")),
        ])
        resource.listName = "Category Parameter List"
        resource.detailName = "Category Parameter Detail"
        resource.permissionTable = "part_partcategoryparametertemplate"
        resource.filters = [
            // with `fetch_parent` (the default) the templates of the category's ancestors come too
            ResourceFilter("category") { text, builder in
                guard let id = try builder.relatedObject("category", text, table: "part_partcategory") else { return }
                let value = builder.bind(id)
                builder.add(FilterBuilder.flag(builder.query("fetch_parent")) ?? true
                    ? "t.category_id IN (SELECT unnest(c.tree_path) FROM part_partcategory c WHERE c.id = \(value))"
                    : "t.category_id = \(value)")
            },
            .related("template", table: "common_parametertemplate", condition: "t.template_id = $"),
        ]
        resource.ordering = [("category", "t.category_id"), ("template", "t.template_id")]
        return resource
    }()
}
