import Auth

/// `OPTIONS` answers in InvenTree's shape (InvenTreeMetadata over DRF's SimpleMetadata): the view's name and
/// description, renderers and parsers, and the actions the user may take with a description of every field.
enum ResourceMetadata {
    static func json(_ resource: Resource, detail: Bool, permissions: Permissions) -> JSONValue {
        let table = resource.permissionTable
        var actions: [(String, JSONValue)] = []
        let writeMethod = detail ? (resource.allowUpdate ? "PUT" : nil) : (resource.allowCreate ? "POST" : nil)
        if let writeMethod, permissions.has(table: table, detail ? .change : .add) {
            actions.append((writeMethod, .object(fieldInfo(resource))))
        }
        if resource.allowDelete && permissions.has(table: table, .delete) { actions.append(("DELETE", .object([]))) }
        if permissions.has(table: table, .view) { actions.append(("GET", .object([]))) }
        return .object([
            ("name", .string(detail ? resource.detailName : resource.listName)),
            ("description", .string(resource.description)),
            ("renders", .array([.string("application/json"), .string("text/html")])),
            ("parses", .array(["application/json", "application/x-www-form-urlencoded", "multipart/form-data"].map(JSONValue.string))),
            ("model", .string(resource.model)),
            ("actions", .object(actions)),
        ])
    }

    /// The serializer's fields as the metadata describes them (flag-only extras excluded, as without the flag).
    static func fieldInfo(_ resource: Resource) -> [(String, JSONValue)] {
        resource.fields.compactMap { field in
            if case .flag(_, false) = field.visibility { return nil }
            let readOnly = !field.isWritable
            var info: [(String, JSONValue)] = [
                ("type", .string(field.kind.metadataType)),
                ("required", .bool(!readOnly && field.required)),
                ("read_only", .bool(readOnly)),
                ("label", .string(field.label)),
            ]
            if let help = field.helpText { info.append(("help_text", .string(help))) }
            switch field.kind {
            case .string(let maxLength?, _), .url(let maxLength?): info.append(("max_length", .int(maxLength)))
            case .choice(let choices) where !readOnly:
                info.append(("choices", .array(choices.map {
                    .object([("value", .int($0.value)), ("display_name", .string($0.label))])
                })))
            default: break
            }
            if let defaultValue = field.defaultValue { info.append(("default", defaultValue)) }
            if case .related(let model, let apiURL, _) = field.kind, !readOnly {
                info.append(("model", .string(model)))
                info.append(("api_url", .string(apiURL)))
                info.append(("pk_field", .string("pk")))
                info.append(("filters", .object([])))
            }
            return (field.name, .object(info))
        }
    }
}
