/// Users, groups, rule sets, owners, profiles and settings.
enum UserMappings {
    static let all: [ModelMapping] = [
        ModelMapping("auth.group", table: "auth_group", same("name") + [
            "permissions": .ignored("Django model permissions; InvenTree grants access through rule sets"),
        ]),
        ModelMapping("auth.user", table: "auth_user", same(
            "username", "password", "first_name", "last_name", "email", "is_staff", "is_superuser", "is_active",
            "date_joined", "last_login") + [
            "groups": .groupMembership,
            "user_permissions": .ignored("Django per-user permissions; InvenTree grants access through group rule sets"),
        ]),
        ModelMapping("users.ruleset", table: "users_ruleset", same("name", "can_view", "can_add", "can_change", "can_delete") + [
            "group": .group("group_id"),
        ]),
        ModelMapping("users.owner", table: "users_owner", [
            // a content type (["auth", "user"] or ["auth", "group"]) and a key: becomes user_id or group_id
            "owner_type": .ownerKey,
            "owner_id": .ownerKey,
        ]),
        ModelMapping("users.userprofile", table: "users_userprofile", same(
            "language", "theme", "widgets", "displayname", "position", "status", "location", "active", "contact", "type",
            "organisation", "metadata") + [
            "user": .user("user_id"),
            "primary_group": .group("primary_group_id"),
        ]),
        ModelMapping("users.apitoken", table: "users_apitoken", same("key", "name", "created", "expiry", "revoked", "last_seen", "metadata") + [
            "user": .user("user_id"),
        ]),
        ModelMapping("common.inventreesetting", table: "common_inventreesetting", same("key", "value")),
        ModelMapping("common.inventreeusersetting", table: "common_inventreeusersetting", same("key", "value") + [
            "user": .user("user_id"),
        ]),
    ]
}
