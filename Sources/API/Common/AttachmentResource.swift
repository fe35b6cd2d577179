import Glibc
import Auth
import HTTP
import Postgres

/// `attachment/`: InvenTree's generic AttachmentSerializer. A user sees the attachments of the kinds of record
/// their role lets them view, and adds, changes or deletes them where it lets them change the record. Files
/// come as `multipart/form-data` (`attachment`) and are written into the media root; links as `link`.
enum AttachmentResource {
    /// Model types that may carry attachments, and their tables.
    static let tables: [String: String] = [
        "part": "part_part", "partcategory": "part_partcategory", "stockitem": "stock_stockitem",
        "stocklocation": "stock_stocklocation", "company": "company_company", "manufacturerpart": "company_manufacturerpart",
        "supplierpart": "company_supplierpart", "purchaseorder": "order_purchaseorder", "salesorder": "order_salesorder",
        "salesordershipment": "order_salesordershipment", "returnorder": "order_returnorder",
        "transferorder": "order_transferorder", "build": "build_build",
    ]
    static let storedFileKey = "\u{0}stored_file"

    static let resource: Resource = {
        var resource = Resource(model: "attachment", verboseName: "Attachment", path: "/api/attachment/",
                                table: "common_attachment", fields: [
            .readOnly("pk", "id", .integer, label: "ID"),
            .computed("attachment", .string(maxLength: nil, allowBlank: true),
                      "CASE WHEN coalesce(t.attachment, '') = '' THEN NULL ELSE '/media/' || t.attachment END", label: "Attachment",
                      help: "Select file to attach"),
            .computed("thumbnail", .string(maxLength: nil, allowBlank: true),
                      "CASE WHEN t.thumbnail = '' THEN NULL ELSE '/media/' || t.thumbnail END", label: "Thumbnail"),
            .computed("filename", .string(maxLength: nil, allowBlank: true),
                      "CASE WHEN coalesce(t.attachment, '') = '' THEN NULL ELSE regexp_replace(t.attachment, '^.*/', '') END",
                      label: "Filename"),
            .column("link", "link", .url(maxLength: 2000), label: "Link", help: "Link to external URL", allowNull: true),
            .column("comment", "comment", .string(maxLength: 250, allowBlank: true), label: "Comment",
                    help: "Attachment comment", default: .string("")),
            .readOnly("upload_date", "upload_date", .date, label: "Upload date", help: "Date the file was uploaded"),
            .readOnly("upload_user", "upload_user_id", .integer, label: "User", help: "User", allowNull: true),
            .readOnly("file_size", "file_size", .integer, label: "File size", help: "File size in bytes"),
            .computed("is_link", .boolean, "(coalesce(t.attachment, '') = '' AND coalesce(t.link, '') <> '')", label: "Is link",
                      allowNull: false),
            .computed("is_file", .boolean, "(coalesce(t.attachment, '') <> '')", label: "Is file", allowNull: false),
            .column("model_type", "model_type", .string(maxLength: 100, allowBlank: false), label: "Model type",
                    help: "Target model type for this image", required: true),
            .column("model_id", "model_id", .integer, label: "Model ID", help: "Target model ID for this image", required: true),
            .computed("tags", .json, "'[]'::json", label: "Tags"),
        ])
        resource.listName = "Attachment List"
        resource.detailName = "Attachment Detail"
        resource.filters = [
            .exact("model_type", "t.model_type"),
            .exact("model_id", "t.model_id", integer: true),
            .boolean("is_link", "coalesce(t.attachment, '') = '' AND coalesce(t.link, '') <> ''"),
            .boolean("is_file", "coalesce(t.attachment, '') <> ''"),
            .related("upload_user", table: "auth_user", condition: "t.upload_user_id = $"),
        ]
        resource.search = ["t.attachment ILIKE $", "t.link ILIKE $", "t.comment ILIKE $"]
        resource.ordering = [("model_id", "t.model_id"), ("model_type", "t.model_type"), ("upload_date", "t.upload_date"),
                             ("file_size", "t.file_size")]
        resource.defaultOrdering = "t.id"
        resource.scope = { permissions in
            let visible = tables.filter { permissions.has(table: $0.value, .view) }.keys.sorted()
            return visible.isEmpty ? "false" : "t.model_type IN (" + visible.map { "'\($0)'" }.joined(separator: ", ") + ")"
        }
        resource.rowAccess = { permissions, _, id, connection in
            guard let row = try ResourceSQL.query(connection, "SELECT model_type FROM common_attachment WHERE id = $1", [id]).first,
                  let table = tables[try row.decode(0, as: String.self)] else { return false }
            return permissions.has(table: table, .change)
        }
        resource.validate = { context in
            if context.existingID != nil {
                for name in ["model_type", "model_id"] where context.values[name] != nil {
                    context.values[name] = nil
                }
                return
            }
            if case .object(let stored)? = context.given(storedFileKey) {
                let members = Dictionary(uniqueKeysWithValues: stored)
                context.extraColumns.append(("attachment", members["path"]?.stringValue, ""))
                context.extraColumns.append(("file_size", members["size"].flatMap(ResourceWriter.integer).map(String.init), "::integer"))
                context.extraColumns.append(("is_image", members["image"] == .bool(true) ? "true" : "false", "::boolean"))
            }
            context.extraColumns.append(("upload_user_id", String(context.userID), "::integer"))
        }
        return resource
    }()

    /// Every create: the target record's change permission, the file written into the media root, then the row.
    static func create(_ resource: Resource, _ context: APIContext, _ call: APICall, _ body: JSONValue,
                       _ connection: PostgresConnection) throws -> HTTPResponse {
        var fields: [String: String] = [:]
        var file: MultipartPart?
        let form = try MediaUpload.form(call.request, mediaRoot: context.mediaRoot)
        defer { form?.removeFiles() }
        if let form {
            for part in form.parts where part.filename == nil { fields[part.name] = part.text ?? "" }
            file = form.file("attachment")
        } else if case .object(let members) = body {
            for (name, value) in members {
                switch value {
                case .string(let text): fields[name] = text
                case .int(let number): fields[name] = String(number)
                default: break
                }
            }
        }
        var errors = ValidationErrors()
        let modelType = (fields["model_type"] ?? "").lowercased()
        let table = tables[modelType]
        if fields["model_type"] == nil { errors.add("model_type", ValidationErrors.Message.required) }
        else if table == nil { errors.add("model_type", "Invalid model type specified for attachment") }
        let modelID = fields["model_id"].flatMap { Int($0) }
        if fields["model_id"] == nil { errors.add("model_id", ValidationErrors.Message.required) }
        else if modelID == nil { errors.add("model_id", ValidationErrors.Message.integer) }
        let link = fields["link"].flatMap { $0.isEmpty ? nil : $0 }
        if file == nil && link == nil {
            errors.add("attachment", "Missing file")
            errors.add("link", "Missing external link")
        }
        guard errors.isEmpty, let table, let modelID else { throw errors }
        guard call.user.permissions.has(table: table, .change) else { throw APIError.permissionDenied }
        if try ResourceSQL.query(connection, "SELECT 1 FROM \(table) WHERE id = $1", [modelID]).isEmpty {
            throw ValidationErrors("model_id", "Invalid model ID specified for attachment")
        }
        var members: [(String, JSONValue)] = [("model_type", .string(modelType)), ("model_id", .int(modelID)),
                                              ("comment", .string(fields["comment"] ?? ""))]
        if let link { members.append(("link", .string(link))) }
        if let file {
            let stored: (path: String, size: Int)
            do {
                stored = try MediaUpload.store(file, directory: "attachments/\(modelType)/\(modelID)", mediaRoot: context.mediaRoot)
            } catch {
                context.logger.error("attachment upload: \(error)", ["REQUEST_ID": call.request.requestID])
                throw APIError(status: 500, detail: "The file could not be stored.")
            }
            members.append((storedFileKey, .object([("path", .string(stored.path)), ("size", .int(stored.size)),
                                                    ("image", .bool(MediaUpload.isImage(file.content)))])))
            if let redis = context.redis { _ = try? redis.del("stockroom:media:owner:" + stored.path) }
        }
        let id = try ResourceWriter.write(resource, body: .object(members), existingID: nil, partial: false,
                                          userID: call.user.user.id, connection: connection)
        return try ResourceEndpoints.detail(resource, call, id: id, connection, status: 201)
    }

    static func register(_ router: APIRouter, _ context: APIContext) {
        var attachments = resource
        attachments.createOverride = { call, body, connection in try create(attachments, context, call, body, connection) }
        ResourceEndpoints.register(router, context, attachments)
    }
}
