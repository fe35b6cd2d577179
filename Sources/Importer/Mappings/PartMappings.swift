/// Part categories, parts and what hangs on them.
enum PartMappings {
    static let all: [ModelMapping] = [
        ModelMapping("part.partcategory", table: "part_partcategory", same(
            "name", "description", "default_keywords", "structural", "icon", "metadata") + mpttFields + [
            "parent": .reference("parent_id", table: "part_partcategory"),
            "default_location": .reference("default_location_id", table: "stock_stocklocation"),
            // API 530 renamed the stored icon field (the API still calls it `icon`)
            "_icon": .column("icon"),
            "pathstring": .ignored("computed from the tree by Stockroom"),
        ]),
        ModelMapping("part.part", table: "part_part", same(
            "name", "description", "keywords", "revision", "is_template", "link", "default_expiry", "minimum_stock",
            "maximum_stock", "units", "active", "assembly", "component", "purchaseable", "salable", "trackable", "testable",
            "virtual", "locked", "consumable", "bom_validated", "bom_checksum", "bom_checked_date", "creation_date",
            "base_cost", "multiple") + barcodeNotesMetadata + mpttFieldsByParentKey + [
            // column names are lowercase in Stockroom
            "IPN": .column("ipn"),
            "image": .file("image"),
            "category": .reference("category_id", table: "part_partcategory"),
            "variant_of": .reference("variant_of_id", table: "part_part"),
            "revision_of": .reference("revision_of_id", table: "part_part"),
            "default_location": .reference("default_location_id", table: "stock_stocklocation"),
            "default_supplier": .reference("default_supplier_id", table: "company_supplierpart"),
            "bom_checked_by": .user("bom_checked_by_id"),
            "creation_user": .user("creation_user_id"),
            "responsible_owner": .reference("responsible_owner_id", table: "users_owner"),
            "last_stocktake": removedByInvenTree("the latest stocktake is in part_partstocktake"),
        ]),
        ModelMapping("part.partcategoryparametertemplate", table: "part_partcategoryparametertemplate", same("default_value") + [
            "category": .reference("category_id", table: "part_partcategory"),
            // before API 300 this pointed at part.partparametertemplate, which became common.parametertemplate
            "parameter_template": .reference("template_id", table: "common_parametertemplate"),
            "template": .reference("template_id", table: "common_parametertemplate"),
        ]),
        ModelMapping("part.parttesttemplate", table: "part_parttesttemplate", same(
            "test_name", "key", "description", "enabled", "required", "requires_value", "requires_attachment", "choices",
            "metadata") + [
            "part": .reference("part_id", table: "part_part"),
        ]),
        ModelMapping("part.bomitem", table: "part_bomitem", same(
            "quantity", "raw_amount", "setup_quantity", "attrition", "rounding_multiple", "optional", "consumable",
            "reference", "note", "checksum", "validated", "inherited", "allow_variants", "metadata") + [
            "part": .reference("part_id", table: "part_part"),
            "sub_part": .reference("sub_part_id", table: "part_part"),
            // before API 300 the extra quantity was text ("10%" or "2"); now attrition or setup_quantity
            "overage": .upgradeInput("overage"),
        ]),
        ModelMapping("part.bomitemsubstitute", table: "part_bomitemsubstitute", same("metadata") + [
            "bom_item": .reference("bom_item_id", table: "part_bomitem"),
            "part": .reference("part_id", table: "part_part"),
        ]),
        ModelMapping("part.partrelated", table: "part_partrelated", same("note", "metadata") + [
            "part_1": .reference("part_1_id", table: "part_part"),
            "part_2": .reference("part_2_id", table: "part_part"),
        ]),
        ModelMapping("part.partsellpricebreak", table: "part_partsellpricebreak", same("quantity", "price", "price_currency", "updated") + [
            "part": .reference("part_id", table: "part_part"),
        ]),
        ModelMapping("part.partinternalpricebreak", table: "part_partinternalpricebreak", same("quantity", "price", "price_currency", "updated") + [
            "part": .reference("part_id", table: "part_part"),
        ]),
        ModelMapping("part.partstocktake", table: "part_partstocktake", same(
            "item_count", "quantity", "date", "cost_min", "cost_min_currency", "cost_max", "cost_max_currency") + [
            "part": .reference("part_id", table: "part_part"),
            "note": removedByInvenTree("stocktake entries no longer carry a note"),
            "user": removedByInvenTree("stocktake entries no longer record the user"),
            "report": .ignored("stocktake report files are not kept"),
        ]),
        ModelMapping("part.partstar", table: "part_partstar", [
            "part": .reference("part_id", table: "part_part"),
            "user": .user("user_id"),
        ]),
        ModelMapping("part.partcategorystar", table: "part_partcategorystar", [
            "category": .reference("category_id", table: "part_partcategory"),
            "user": .user("user_id"),
        ]),
    ]
}
