import Auth
import FoundationEssentials
import Postgres

/// A user (Auth's `UserRecord`, whose fields it shows as its own) with the profile and groups the user serializers show.
@dynamicMemberLookup
struct UserRow {
    let record: UserRecord
    let profile: [(String, JSONValue)]
    var groups: [(Int, String)] = []

    subscript<Value>(dynamicMember field: KeyPath<UserRecord, Value>) -> Value { record[keyPath: field] }

    /// Users and profiles; a user without a profile row shows the defaults InvenTree's profile is created with.
    static let select = """
        SELECT \(UserRecord.columns),
               p.language, p.theme::text AS theme, p.widgets::text AS widgets, p.displayname, p.position, p.status,
               p.location, coalesce(p.active, true) AS profile_active, p.contact, coalesce(p.type, 'internal') AS type,
               p.organisation, p.primary_group_id
        FROM auth_user u LEFT JOIN users_userprofile p ON p.user_id = u.id
        """

    init(row: PostgresRow) throws {
        record = try UserRecord(row: row)
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
        for index in users.indices { users[index].groups = groups[users[index].record.id] ?? [] }
        return users
    }
}

extension UserRow {
    /// InvenTree's `UserSerializer` (brief): pk, username, names, email.
    var briefJSON: JSONValue {
        .object([("pk", .int(record.id)), ("username", .string(record.username)), ("first_name", .string(record.firstName)),
                 ("last_name", .string(record.lastName)), ("email", .string(record.email))])
    }

    /// `ExtendedUserSerializer` (`/api/user/`, `/api/user/<pk>/`), or `MeUserSerializer` with the whole profile.
    func json(fullProfile: Bool) -> JSONValue {
        let profileFields = fullProfile ? profile : profile.filter { !["language", "theme", "widgets"].contains($0.0) }
        return .object([
            ("pk", .int(record.id)), ("username", .string(record.username)), ("first_name", .string(record.firstName)),
            ("last_name", .string(record.lastName)), ("email", .string(record.email)),
            ("groups", .array(groups.map { .object([("pk", .int($0.0)), ("name", .string($0.1))]) })),
            ("is_staff", .bool(record.isStaff)), ("is_superuser", .bool(record.isSuperuser)), ("is_active", .bool(record.isActive)),
            ("profile", .object(profileFields)),
        ])
    }
}
