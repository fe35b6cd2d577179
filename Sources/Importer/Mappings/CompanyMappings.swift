/// Companies, contacts, addresses, manufacturer and supplier parts.
enum CompanyMappings {
    static let all: [ModelMapping] = [
        ModelMapping("company.company", table: "company_company", same(
            "name", "description", "website", "phone", "email", "contact", "link", "active", "is_customer", "is_supplier",
            "is_manufacturer", "currency", "tax_id", "notes", "metadata") + [
            "image": .file("image"),
        ]),
        ModelMapping("company.contact", table: "company_contact", same("name", "phone", "email", "role", "metadata") + [
            "company": .reference("company_id", table: "company_company"),
        ]),
        ModelMapping("company.address", table: "company_address", same(
            "title", "primary", "line1", "line2", "postal_code", "postal_city", "province", "country", "shipping_notes",
            "internal_shipping_notes", "link", "metadata") + [
            "company": .reference("company_id", table: "company_company"),
        ]),
        ModelMapping("company.manufacturerpart", table: "company_manufacturerpart", same("link", "description") + barcodeNotesMetadata + [
            "MPN": .column("mpn"),
            "part": .reference("part_id", table: "part_part"),
            "manufacturer": .reference("manufacturer_id", table: "company_company"),
        ]),
        ModelMapping("company.supplierpart", table: "company_supplierpart", same(
            "active", "primary", "link", "description", "note", "base_cost", "packaging", "pack_quantity",
            "pack_quantity_native", "multiple", "available", "availability_updated", "updated") + barcodeNotesMetadata + [
            "SKU": .column("sku"),
            "part": .reference("part_id", table: "part_part"),
            "supplier": .reference("supplier_id", table: "company_company"),
            "manufacturer_part": .reference("manufacturer_part_id", table: "company_manufacturerpart"),
        ]),
        ModelMapping("company.supplierpricebreak", table: "company_supplierpricebreak", same("quantity", "price", "price_currency", "updated") + [
            // InvenTree's `part` here is the supplier part
            "part": .reference("part_id", table: "company_supplierpart"),
        ]),
    ]
}
