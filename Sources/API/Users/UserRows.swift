import FoundationEssentials
import Postgres

/// A user with the profile and groups the user serializers show.
struct UserRow {
    let id: Int
    let username: String
    let firstName: String
    let lastName: String
    let email: String
    let isStaff: Bool
    let isSuperuser: Bool
    let isActive: Bool
    let profile: [(String, JSONValue)]
    var groups: [(Int, String)] = []

    /// Users and profiles; a user without a profile row shows the defaults InvenTree's profile is created with.
    static let select = """
        SELECT u.id, u.username, u.first_name, u.last_name, u.email, u.is_staff, u.is_superuser, u.is_active,
               p.language, p.theme::text AS theme, p.widgets::text AS widgets, p.displayname, p.position, p.status,
               p.location, coalesce(p.active, true) AS profile_active, p.contact, coalesce(p.type, 'internal') AS type,
               p.organisation, p.primary_group_id
        FROM auth_user u LEFT JOIN users_userprofile p ON p.user_id = u.id
        """

    init(row: PostgresRow) throws {
        id = try row.decode("id")
        username = try row.decode("username")
        firstName = try row.decode("first_name")
        lastName = try row.decode("last_name")
        email = try row.decode("email")
        isStaff = try row.decode("is_staff")
        isSuperuser = try row.decode("is_superuser")
        isActive = try row.decode("is_active")
        func text(_ column: String) throws -> JSONValue {
            try row.decode(column, as: String?.self).map(JSONValue.string) ?? .null
        }
        func json(_ column: String) throws -> JSONValue {
            guard let raw = try row.decode(column, as: String?.self) else { return .null }
            return try JSONValue.parse(Array(raw.utf8))
        }
        profile = [
            ("language", try text("language")), ("theme", try json("theme")), ("widgets", try json("widgets")),
            ("displayname", try text("displayname")), ("position", try text("position")), ("status", try text("status")),
            ("location", try text("location")), ("active", .bool(try row.decode("profile_active"))),
            ("contact", try text("contact")), ("type", .string(try row.decode("type"))),
            ("organisation", try text("organisation")),
            ("primary_group", try row.decode("primary_group_id", as: Int?.self).map(JSONValue.int) ?? .null),
        ]
    }

    /// Loads the users matched by `whereClause` (with `parameters`), ordered by `orderBy`, with their groups.
    static func load(_ connection: PostgresConnection, where whereClause: String = "true",
                     _ parameters: [PostgresValue?] = [], orderBy: String = "u.id") throws -> [UserRow] {
        var users = try connection.query("\(select) WHERE \(whereClause) ORDER BY \(orderBy)", parameters).map(UserRow.init(row:))
        guard !users.isEmpty else { return users }
        let ids = "{" + users.map { String($0.id) }.joined(separator: ",") + "}"
        var groups: [Int: [(Int, String)]] = [:]
        for row in try connection.query("""
            SELECT ug.user_id, g.id, g.name FROM auth_user_groups ug JOIN auth_group g ON g.id = ug.group_id
            WHERE ug.user_id = ANY($1::int[]) ORDER BY g.id
            """, [ids]) {
            groups[try row.decode("user_id"), default: []].append((try row.decode("id"), try row.decode("name")))
        }
        for index in users.indices { users[index].groups = groups[users[index].id] ?? [] }
        return users
    }
}

extension UserRow {
    /// InvenTree's `UserSerializer` (brief): pk, username, names, email.
    var briefJSON: JSONValue {
        .object([("pk", .int(id)), ("username", .string(username)), ("first_name", .string(firstName)),
                 ("last_name", .string(lastName)), ("email", .string(email))])
    }

    /// `ExtendedUserSerializer` (`/api/user/`, `/api/user/<pk>/`), or `MeUserSerializer` with the whole profile.
    func json(fullProfile: Bool) -> JSONValue {
        let profileFields = fullProfile ? profile : profile.filter { !["language", "theme", "widgets"].contains($0.0) }
        return .object([
            ("pk", .int(id)), ("username", .string(username)), ("first_name", .string(firstName)),
            ("last_name", .string(lastName)), ("email", .string(email)),
            ("groups", .array(groups.map { .object([("pk", .int($0.0)), ("name", .string($0.1))]) })),
            ("is_staff", .bool(isStaff)), ("is_superuser", .bool(isSuperuser)), ("is_active", .bool(isActive)),
            ("profile", .object(profileFields)),
        ])
    }
}
