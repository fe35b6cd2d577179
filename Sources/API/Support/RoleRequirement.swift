import Auth
import HTTP

extension Permission {
    /// InvenTree's RolePermission: the action an HTTP method needs (GET/HEAD/OPTIONS view,
    /// POST add, PUT/PATCH change, DELETE delete).
    init(method: HTTPMethod) {
        switch method {
        case .POST: self = .add
        case .PUT, .PATCH: self = .change
        case .DELETE: self = .delete
        default: self = .view
        }
    }
}

extension APICall {
    /// Throws `Permissions.Denied` (answered 403) unless the signed-in user's roles allow `permission` on `role`.
    func require(_ role: RuleSet, _ permission: Permission) throws {
        try user.permissions.require(role, permission)
    }

    /// Requires the action this request's method stands for on `role`.
    func require(_ role: RuleSet) throws {
        try require(role, Permission(method: request.method))
    }
}
