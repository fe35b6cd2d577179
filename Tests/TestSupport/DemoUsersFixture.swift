/// The demo dataset's users, groups and rule sets as InvenTree 1.5 (API 530) exports them.
public enum DemoUsersFixture {
    /// Empties the user tables and loads the four demo users, three groups, their rule sets and owners.
    public static let resetSQL = """
        TRUNCATE auth_user, auth_group, auth_user_groups, users_ruleset, users_owner, users_apitoken, users_session
            RESTART IDENTITY CASCADE;
        INSERT INTO auth_user (id, username, password, first_name, last_name, is_staff, is_superuser) VALUES
          (1, 'admin', 'pbkdf2_sha256$1000000$l8ybIBf9B06b8iLe7DhwAJ$uVD0bv3JhQiZwHPOzH2OoWItnwpexCg7wTyPQ0V0hfg=', '', '', true, true),
          (2, 'reader', 'pbkdf2_sha256$260000$nPPXL5SwN9ZVrjrUOzp9Y0$TQGwwJt8SwiwtQ6IZRM/F+eDEYUbxnM3rFXiNkAYUYw=', 'Ronald', 'Reader', false, false),
          (3, 'engineer', 'pbkdf2_sha256$1000000$DePV4ulaI0F7JOFStmebny$/y7y328X8j99ipRCaSfHwrvCKrr9VveT+b8lKISV+qo=', 'Robert', 'Shuruncle', false, false),
          (4, 'allaccess', 'pbkdf2_sha256$1000000$88dUBpdkVGqGa8NS8TBQcZ$2TzvGZBrVpPFoDYLCnLLAgGAmutva757VM5dV9Yewgw=', 'Ally', 'Access', false, false);
        INSERT INTO auth_group (id, name) VALUES (1, 'readers'), (2, 'engineering'), (3, 'all access');
        INSERT INTO auth_user_groups (user_id, group_id) VALUES (2, 1), (3, 2), (4, 3);
        INSERT INTO users_ruleset (name, group_id, can_view, can_add, can_change, can_delete) VALUES
          ('admin', 1, true, false, false, false), ('part_category', 1, true, false, false, false),
          ('part', 1, true, false, false, false), ('stock_location', 1, true, false, false, false),
          ('stock', 1, true, false, false, false), ('build', 1, true, false, false, false),
          ('purchase_order', 1, true, false, false, false), ('sales_order', 1, true, false, false, false),
          ('return_order', 1, true, false, false, false), ('bom', 1, true, false, false, false),
          ('transfer_order', 1, false, false, false, false),
          ('admin', 2, true, false, false, false), ('part_category', 2, true, true, true, true),
          ('part', 2, true, true, true, true), ('stock_location', 2, true, false, false, false),
          ('stock', 2, true, false, false, false), ('build', 2, true, false, false, false),
          ('purchase_order', 2, false, false, false, false), ('sales_order', 2, false, false, false, false),
          ('return_order', 2, true, false, false, false), ('bom', 2, true, true, true, true),
          ('transfer_order', 2, false, false, false, false),
          ('admin', 3, true, false, false, false), ('part_category', 3, true, true, true, true),
          ('part', 3, true, true, true, true), ('stock_location', 3, true, true, true, true),
          ('stock', 3, true, true, true, true), ('build', 3, true, true, true, true),
          ('purchase_order', 3, true, true, true, true), ('sales_order', 3, true, true, true, true),
          ('return_order', 3, true, true, true, true), ('bom', 3, true, true, true, true),
          ('transfer_order', 3, false, false, false, false);
        INSERT INTO users_owner (group_id) VALUES (1), (2), (3);
        INSERT INTO users_owner (user_id) VALUES (1), (2), (3), (4);
        SELECT setval(pg_get_serial_sequence('auth_user', 'id'), 4);
        SELECT setval(pg_get_serial_sequence('auth_group', 'id'), 3);
        """
}
