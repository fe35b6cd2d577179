import HTTP

/// Responses with `Content-Type: application/json` exactly, as InvenTree's clients expect.
public enum JSONResponse {
    public static let contentType = "application/json"

    public static func make(status: Int = 200, _ value: JSONValue) -> HTTPResponse {
        HTTPResponse(status: status, contentType: contentType, body: value.encoded())
    }

    public static func make(status: Int = 200, _ members: KeyValuePairs<String, JSONValue>) -> HTTPResponse {
        make(status: status, .object(members.map { ($0.key, $0.value) }))
    }
}
