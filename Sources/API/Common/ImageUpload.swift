import Glibc
import HTTP
import Postgres

/// `image` uploads on `part/<pk>/` (multipart PUT or PATCH, as InvenTree's image fields): the file must be a
/// raster image (by its content) and is written under `part_images/`; the form's other fields are applied as a
/// partial update.
enum ImageUpload {
    /// The `image` field as InvenTree shows it: `/media/<image>`, or null without one.
    static let imageURL = "CASE WHEN coalesce(t.image, '') = '' THEN NULL ELSE '/media/' || t.image END"
    static let invalidImage = "Upload a valid image. The file you uploaded was either not an image or a corrupted image."

    /// An update override for a resource whose table has an `image` column stored under `directory`.
    static func override(_ resource: @escaping () -> Resource, context: APIContext, directory: String)
        -> (APICall, Int, Bool, PostgresConnection) throws -> HTTPResponse? {
        return { call, id, partial, connection in
            guard let form = try MediaUpload.form(call.request, mediaRoot: context.mediaRoot) else { return nil }
            defer { form.removeFiles() }
            let resource = resource()
            let fields = MediaUpload.textFields(form).filter { $0.0 != "image" }
            if let image = form.file("image") {
                guard MediaUpload.isImage(image.content) else { throw ValidationErrors("image", invalidImage) }
                let stored: (path: String, size: Int)
                do {
                    stored = try MediaUpload.store(image, directory: directory, mediaRoot: context.mediaRoot)
                } catch {
                    context.logger.error("image upload: \(error)", ["REQUEST_ID": call.request.requestID])
                    throw APIError(status: 500, detail: "The image could not be stored.")
                }
                try ResourceSQL.query(connection, "UPDATE \(resource.table) SET image = $2 WHERE id = $1", [id, stored.path])
                if let redis = context.redis { _ = try? redis.del("stockroom:media:owner:" + stored.path) }
            } else if form.parts.contains(where: { $0.name == "image" }) {
                throw ValidationErrors("image", "The submitted data was not a file. Check the encoding type on the form.")
            }
            if !fields.isEmpty || !partial {
                _ = try ResourceWriter.write(resource, body: .object(fields), existingID: id, partial: partial,
                                             userID: call.user.user.id, connection: connection)
            }
            return try ResourceEndpoints.detail(resource, call, id: id, connection)
        }
    }
}
