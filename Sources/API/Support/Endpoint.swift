import Auth
import HTTP
import Postgres
import Redis

/// The request a handler sees after authentication.
struct APICall {
    let request: HTTPRequest
    let client: ClientRequest
    /// nil for anonymous requests to endpoints that allow them.
    let identity: Identity?

    /// The signed-in user's identity; endpoints that need one are wrapped with `.authenticated`.
    var user: Identity {
        guard let identity else { preconditionFailure("handler of an authenticated endpoint ran without identity") }
        return identity
    }
}

/// Wraps handlers: authentication, InvenTree's error bodies, and no stack trace for the client.
enum Endpoint {
    enum Access {
        /// 401 without a signed-in user.
        case authenticated
        /// Anonymous allowed; bad credentials still answer 401 (as DRF does).
        case anyone
    }

    static func handler(_ context: APIContext, _ access: Access,
                        _ body: @escaping (APICall) throws -> HTTPResponse) -> HTTPHandler {
        return { request in
            let client = ClientRequest(request)
            do {
                let identity: Identity?
                switch try context.authenticator.authenticate(client.authRequest(request)) {
                case .authenticated(let found): identity = found
                case .failed(let failure): throw APIError.authentication(failure)
                case .anonymous:
                    if access == .authenticated { throw APIError.authentication(.notProvided) }
                    identity = nil
                }
                return try body(APICall(request: request, client: client, identity: identity))
            } catch let error as APIError {
                return error.response
            } catch let denied as Permissions.Denied {
                context.logger.info("\(request.method) \(request.path): \(denied)", ["REQUEST_ID": request.requestID])
                return APIError.permissionDenied.response
            } catch let error as PostgresError where error.isConnectionError {
                context.logger.error("\(request.method) \(request.path): database unavailable: \(error)",
                                     ["REQUEST_ID": request.requestID])
                return APIError(status: 503, detail: "The database is not available.").response
            } catch {
                context.logger.error("\(request.method) \(request.path): \(error)", ["REQUEST_ID": request.requestID])
                return APIError(status: 500, detail: "Internal server error.").response
            }
        }
    }
}
