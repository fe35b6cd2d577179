import Auth
import HTTP

/// Errors a handler throws to answer with InvenTree's `{"detail": ...}` bodies.
struct APIError: Error {
    let status: Int
    let detail: String
    var headers: [(String, String)] = []

    static let permissionDenied = APIError(status: 403, detail: "You do not have permission to perform this action.")

    static func notFound(_ model: String) -> APIError {
        APIError(status: 404, detail: "No \(model) matches the given query.")
    }

    static func badRequest(_ detail: String) -> APIError { APIError(status: 400, detail: detail) }

    /// DRF's answer to failed authentication; 401s carry `WWW-Authenticate` as DRF's do.
    static func authentication(_ failure: AuthFailure) -> APIError {
        var headers: [(String, String)] = []
        if failure.status == 401 { headers.append(("WWW-Authenticate", APIResponses.authenticateChallenge)) }
        if let retry = failure.retryAfterSeconds { headers.append(("Retry-After", String(retry))) }
        return APIError(status: failure.status, detail: failure.detail, headers: headers)
    }

    var response: HTTPResponse {
        var response = JSONResponse.make(status: status, ["detail": .string(detail)])
        for (name, value) in headers { response.headers.add(name: name, value: value) }
        return response
    }
}

/// Shared answers.
enum APIResponses {
    /// DRF sends the first authentication class's challenge; InvenTree lists Basic first among its header schemes.
    static let authenticateChallenge = "Basic realm=\"api\""
}
