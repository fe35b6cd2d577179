/// Project codes, custom units, parameters and attachments, including the models InvenTree merged
/// into its generic `common.parameter` and `common.attachment` (API 530).
enum CommonMappings {
    static let all: [ModelMapping] = [
        ModelMapping("common.projectcode", table: "common_projectcode", same("code", "description", "active", "metadata") + [
            "responsible": .reference("responsible_id", table: "users_owner"),
        ]),
        ModelMapping("common.customunit", table: "common_customunit", same("name", "symbol", "definition")),
        ModelMapping("common.parametertemplate", table: "common_parametertemplate", same(
            "name", "units", "description", "checkbox", "choices", "enabled", "metadata") + [
            "model_type": .contentType("model_type"),
            "selectionlist": .ignored("selection lists are not stored yet; the template keeps its choices"),
            "unique": .ignored("uniqueness rule for parameter values, not enforced by Stockroom yet"),
        ]),
        // InvenTree before API 300: parameter templates of parts; InvenTree's migration made them
        // templates for any kind of record (model_type NULL)
        ModelMapping("part.partparametertemplate", table: "common_parametertemplate", same(
            "name", "units", "description", "checkbox", "choices", "metadata")),
        ModelMapping("common.parameter", table: "common_parameter", same("model_id", "data", "data_numeric", "note", "updated", "metadata") + [
            "model_type": .contentType("model_type"),
            "template": .reference("template_id", table: "common_parametertemplate"),
            "updated_by": .user("updated_by_id"),
        ]),
        // InvenTree before API 300: a part's parameter; `part` is the record the parameter belongs to
        ModelMapping("part.partparameter", table: "common_parameter", constants: ["model_type": "part"], same(
            "data", "data_numeric", "metadata") + [
            "part": .column("model_id"),
            "template": .reference("template_id", table: "common_parametertemplate"),
        ]),
        ModelMapping("common.attachment", table: "common_attachment", same(
            "model_type", "model_id", "link", "comment", "upload_date", "file_size", "is_image", "metadata") + [
            "attachment": .file("attachment"),
            "thumbnail": .ignored("thumbnails are generated again from the attachment"),
            "upload_user": .user("upload_user_id"),
            "tags": .ignored("attachment tags are not stored yet"),
        ]),
    ] + oldAttachments

    /// InvenTree before API 300 kept one attachment model per kind of record; each field named
    /// after the record becomes `model_id`, and `user` became `upload_user`.
    static let oldAttachments: [ModelMapping] = [
        ("part.partattachment", "part", "part"),
        ("stock.stockitemattachment", "stock_item", "stockitem"),
        ("company.companyattachment", "company", "company"),
        ("company.manufacturerpartattachment", "manufacturer_part", "manufacturerpart"),
        ("order.purchaseorderattachment", "order", "purchaseorder"),
        ("order.salesorderattachment", "order", "salesorder"),
        ("order.salesordershipmentattachment", "shipment", "salesordershipment"),
        ("order.returnorderattachment", "order", "returnorder"),
        ("build.buildorderattachment", "build", "build"),
    ].map { model, field, modelType in
        ModelMapping(model, table: "common_attachment", keepsPrimaryKey: false, constants: ["model_type": modelType], same(
            "link", "comment", "upload_date", "metadata") + [
            field: .column("model_id"),
            "attachment": .file("attachment"),
            "user": .user("upload_user_id"),
        ])
    }
}
