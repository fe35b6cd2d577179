/// API 530's generic parameters: `parameter/template/` and `parameter/` (common.ParameterTemplate and
/// common.Parameter, attached to any model by `model_type` and `model_id`).
enum ParameterResources {
    static let template: Resource = {
        var resource = Resource(model: "parametertemplate", verboseName: "ParameterTemplate", path: "/api/parameter/template/",
                                table: "common_parametertemplate", fields: [
            .readOnly("pk", "id", .integer, label: "ID"),
            .column("name", "name", .string(maxLength: 100, allowBlank: false), label: "Name", help: "Parameter Name", required: true),
            .column("units", "units", .string(maxLength: 25, allowBlank: true), label: "Units",
                    help: "Physical units for this parameter", default: .string("")),
            .column("description", "description", .string(maxLength: 250, allowBlank: true), label: "Description",
                    help: "Parameter description", default: .string("")),
            .column("model_type", "model_type", .string(maxLength: 100, allowBlank: true), label: "Model Type",
                    help: "Target model type for this parameter template", allowNull: true, default: .string("")),
            .column("checkbox", "checkbox", .boolean, label: "Checkbox", help: "Is this parameter a checkbox?", default: .bool(false)),
            .column("choices", "choices", .string(maxLength: 5000, allowBlank: true), label: "Choices",
                    help: "Valid choices for this parameter (comma-separated)", default: .string("")),
            .column("selectionlist", "selectionlist_id", .integer, label: "Selection List",
                    help: "Selection list for this parameter", allowNull: true),
            .column("enabled", "enabled", .boolean, label: "Enabled", help: "Is this parameter template enabled?", default: .bool(true)),
        ])
        resource.listName = "Parameter Template List"
        resource.detailName = "Parameter Template Detail"
        resource.filters = [
            .exact("name", "t.name"), .exact("units", "t.units"), .boolean("checkbox", "t.checkbox"),
            .boolean("enabled", "t.enabled"), .exact("model_type", "t.model_type"),
            .boolean("has_choices", "t.choices <> ''"), .boolean("has_units", "t.units <> ''"),
        ]
        resource.search = ["t.name ILIKE $", "t.description ILIKE $"]
        resource.ordering = [("name", "t.name"), ("units", "t.units"), ("checkbox", "t.checkbox")]
        resource.defaultOrdering = "t.name"
        resource.validate = { context in
            if case .string(let type)? = context.given("model_type"), type.isEmpty { context.values["model_type"] = .some(nil) }
        }
        return resource
    }()

    /// InvenTree's brief `UserSerializer`.
    static let user: Resource = {
        var resource = Resource(model: "user", verboseName: "User", path: "/api/user/", table: "auth_user", fields: [
            .readOnly("pk", "id", .integer, label: "ID"),
            .readOnly("username", "username", .string(maxLength: 150, allowBlank: false), label: "Username"),
            .readOnly("first_name", "first_name", .string(maxLength: 150, allowBlank: true), label: "First Name"),
            .readOnly("last_name", "last_name", .string(maxLength: 150, allowBlank: true), label: "Last Name"),
            .readOnly("email", "email", .string(maxLength: 254, allowBlank: true), label: "Email"),
        ])
        resource.allowCreate = false
        return resource
    }()

    static let parameter: Resource = {
        var resource = Resource(model: "parameter", verboseName: "Parameter", path: "/api/parameter/", table: "common_parameter", fields: [
            .readOnly("pk", "id", .integer, label: "ID"),
            .column("template", "template_id", .related(model: "parametertemplate", apiURL: "/api/parameter/template/",
                                                       table: "common_parametertemplate"),
                    label: "Template", help: "Parameter template", required: true),
            .column("model_type", "model_type", .string(maxLength: 100, allowBlank: false), label: "Model Type", required: true,
                    default: .string("")),
            .column("model_id", "model_id", .integer, label: "Model ID", help: "ID of the target model for this parameter", required: true),
            .column("data", "data", .string(maxLength: 500, allowBlank: false), label: "Data", help: "Parameter Value", required: true),
            .readOnly("data_numeric", "data_numeric", .float, label: "Data numeric", allowNull: true),
            .column("note", "note", .string(maxLength: 500, allowBlank: true), label: "Note", help: "Optional note field",
                    default: .string("")),
            .readOnly("updated", "updated", .datetime, label: "Updated", help: "Timestamp of last update", allowNull: true),
            .readOnly("updated_by", "updated_by_id", .integer, label: "Update By", help: "User who last updated this object",
                      allowNull: true),
            ResourceField("template_detail", .nested(Expansion(key: "t.template_id") { template }), label: "Template",
                          visibility: .flag("template_detail", default: true)),
            ResourceField("updated_by_detail", .nested(Expansion(key: "t.updated_by_id") { user }), label: "Updated By",
                          visibility: .flag("updated_by_detail", default: true)),
        ])
        resource.listName = "Parameter List"
        resource.detailName = "Parameter Detail"
        resource.filters = [
            .related("template", table: "common_parametertemplate", condition: "t.template_id = $"),
            .exact("model_type", "t.model_type"),
            .exact("model_id", "t.model_id", integer: true),
            .exact("data", "t.data"),
        ]
        resource.search = ["t.data ILIKE $", "(SELECT name FROM common_parametertemplate WHERE id = t.template_id) ILIKE $"]
        resource.ordering = [("name", "(SELECT name FROM common_parametertemplate WHERE id = t.template_id)"),
                             ("data", "t.data"), ("units", "(SELECT units FROM common_parametertemplate WHERE id = t.template_id)"),
                             ("template", "t.template_id"), ("updated", "t.updated")]
        resource.validate = { context in
            context.extraColumns.append(("updated_by_id", String(context.userID), "::integer"))
            context.extraColumns.append(("updated", "now", "::timestamptz"))
            try checkChoices(&context)
        }
        return resource
    }()

    /// Parameter.clean(): a template with choices takes only one of them (`get_choices`: comma-separated, trimmed).
    static func checkChoices(_ context: inout WriteContext) throws {
        var template = context.values["template"] ?? nil
        var data = context.values["data"] ?? nil
        if let existing = context.existingID, template == nil || data == nil,
           let row = try ResourceSQL.query(context.connection, "SELECT template_id, data FROM common_parameter WHERE id = $1",
                                           [existing]).first {
            let storedTemplate = try row.decode(0, as: Int.self)
            let storedData = try row.decode(1, as: String?.self)
            template = template ?? String(storedTemplate)
            data = data ?? storedData
        }
        guard let template, let data,
              let row = try ResourceSQL.query(context.connection, "SELECT choices FROM common_parametertemplate WHERE id = $1::integer",
                                              [template]).first else { return }
        let choices = (try row.decode(0, as: String.self)).split(separator: ",")
            .map { String($0).trimmingWhitespaceForAPI() }.filter { !$0.isEmpty }
        if !choices.isEmpty && !choices.contains(data) {
            context.errors.add("data", "Invalid choice for parameter value")
        }
    }
}
