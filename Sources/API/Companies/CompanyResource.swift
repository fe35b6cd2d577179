/// `company/` (InvenTree's CompanySerializer): suppliers, manufacturers and customers, with the counts of the
/// parts they supply and make, and an image uploaded as for parts.
enum CompanyResource {
    static let partsSupplied = "(SELECT count(*) FROM company_supplierpart s WHERE s.supplier_id = t.id)"
    static let partsManufactured = "(SELECT count(*) FROM company_manufacturerpart m WHERE m.manufacturer_id = t.id)"
    static let primaryAddress = """
        (SELECT json_build_object('pk', a.id, 'line1', a.line1, 'line2', a.line2, 'postal_code', a.postal_code,
            'postal_city', a.postal_city, 'province', a.province, 'country', a.country, 'shipping_notes', a.shipping_notes,
            'internal_shipping_notes', a.internal_shipping_notes)
         FROM company_address a WHERE a.company_id = t.id AND a."primary")
        """
    /// InvenTree's default currency when a company is created without one.
    static let defaultCurrency = "USD"

    static let company: Resource = {
        typealias F = ResourceField
        var resource = Resource(model: "company", verboseName: "Company", path: "/api/company/", table: "company_company", fields: [
            .readOnly("pk", "id", .integer, label: "ID"),
            .column("name", "name", .string(maxLength: 100, allowBlank: false), label: "Company name", help: "Company name",
                    required: true),
            .column("description", "description", .string(maxLength: 500, allowBlank: true), label: "Company description",
                    help: "Description of the company", default: .string("")),
            .column("website", "website", .url(maxLength: 2000), label: "Website", help: "Company website URL",
                    default: .string("")),
            .column("phone", "phone", .string(maxLength: 50, allowBlank: true), label: "Phone number",
                    help: "Contact phone number", default: .string("")),
            .column("email", "email", .string(maxLength: 254, allowBlank: true), label: "Email", help: "Contact email address",
                    allowNull: true, default: .string("")),
            .column("currency", "currency", .string(maxLength: 3, allowBlank: false), label: "Currency",
                    help: "Default currency used for this supplier", default: .string(defaultCurrency)),
            .column("contact", "contact", .string(maxLength: 100, allowBlank: true), label: "Contact",
                    help: "Point of contact", default: .string("")),
            .column("link", "link", .url(maxLength: 2000), label: "Link", help: "Link to external company information",
                    default: .string("")),
            .computed("image", .string(maxLength: nil, allowBlank: true), ImageUpload.imageURL, label: "Image"),
            .column("active", "active", .boolean, label: "Active", help: "Is this company active?", default: .bool(true)),
            .column("is_customer", "is_customer", .boolean, label: "Is customer", help: "Do you sell items to this company?",
                    default: .bool(false)),
            .column("is_manufacturer", "is_manufacturer", .boolean, label: "Is manufacturer",
                    help: "Does this company manufacture parts?", default: .bool(false)),
            .column("is_supplier", "is_supplier", .boolean, label: "Is supplier",
                    help: "Do you purchase items from this company?", default: .bool(true)),
            .column("notes", "notes", .string(maxLength: 50000, allowBlank: true), label: "Notes", help: "Markdown notes (optional)",
                    allowNull: true, visibility: .detailOnly),
            .computed("parts_supplied", .integer, partsSupplied, label: "Parts supplied", allowNull: false),
            .computed("parts_manufactured", .integer, partsManufactured, label: "Parts manufactured", allowNull: false),
            F("remote_image", .url(maxLength: nil), label: "Remote Image", help: "URL of remote image file",
              allowNull: true, visibility: .writeOnly),
            .computed("primary_address", .json, primaryAddress, label: "Primary address",
                      visibility: .flag("address_detail", default: false)),
            .column("tax_id", "tax_id", .string(maxLength: 50, allowBlank: true), label: "Tax ID", help: "Company Tax ID",
                    default: .string("")),
        ])
        resource.listName = "Company List"
        resource.detailName = "Company Detail"
        resource.description = "API endpoint for accessing a list of Company objects.\n\nProvides two methods:\n\n"
            + "- GET: Return list of objects\n- POST: Create a new Company object"
        resource.filters = [
            .boolean("is_customer", "t.is_customer"),
            .boolean("is_manufacturer", "t.is_manufacturer"),
            .boolean("is_supplier", "t.is_supplier"),
            .boolean("active", "t.active"),
            .exact("name", "t.name"),
        ]
        resource.search = ["t.name ILIKE $", "t.description ILIKE $", "t.website ILIKE $", "t.tax_id ILIKE $"]
        resource.ordering = [("active", "t.active"), ("name", "t.name"), ("parts_supplied", partsSupplied),
                             ("parts_manufactured", partsManufactured)]
        resource.defaultOrdering = "t.name"
        resource.validate = { context in
            if context.existingID == nil && context.values["currency"] == nil {
                context.extraColumns.append(("currency", defaultCurrency, ""))
            }
        }
        return resource
    }()
}
