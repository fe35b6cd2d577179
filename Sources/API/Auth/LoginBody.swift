import Auth
import HTTP

/// The username and password of a login request, from JSON or a form.
struct LoginBody {
    let username: String
    let password: String

    init(_ request: HTTPRequest) throws {
        guard let bytes = request.body.readAll() else {
            throw AuthFailure(status: 400, detail: "the request body could not be read")
        }
        let contentType = (request.headers["Content-Type"] ?? "").lowercased()
        var fields: [String: String] = [:]
        if contentType.hasPrefix("application/x-www-form-urlencoded") {
            for (name, value) in FormURLEncoding.parse(String(decoding: bytes, as: UTF8.self)) where fields[name] == nil {
                fields[name] = value
            }
        } else {
            let document: JSONValue
            do {
                document = try JSONValue.parse(bytes)
            } catch {
                throw AuthFailure(status: 400, detail: "the body is not valid JSON: \(error)")
            }
            for key in ["username", "password"] { fields[key] = document[key]?.stringValue }
        }
        guard let username = fields["username"], !username.isEmpty else {
            throw AuthFailure(status: 400, detail: "username: this field is required")
        }
        guard let password = fields["password"], !password.isEmpty else {
            throw AuthFailure(status: 400, detail: "password: this field is required")
        }
        self.username = username
        self.password = password
    }
}
