import Postgres

/// `stockroom_dataversion`: one counter that every committed change to the data adds one to, in the changing
/// transaction itself. A cached read model tagged with the version its reader saw is never served to a reader who
/// sees a later one, so a client never reads its own committed write as it was before.
///
/// The counter is raised by a deferred constraint trigger, once per transaction, at commit: by then the transaction
/// holds every other lock it will take, so the counter's row lock, taken last, cannot close a deadlock cycle.
/// Writers that commit at the same moment queue on that one row for the time of their commit.
///
/// Every table of the `public` schema has the trigger except those in `untracked`, whose rows no cached read model
/// shows (sessions, tokens, the task queue, bookkeeping). A migration that adds a table calls
/// `stockroom_track_changes('<table>')`.
enum Migration0015DataVersion {
    static let untracked = [
        "daemon_instances", "schema_migrations", "stockroom_dataversion", "stockroom_rowcount",
        "task_notification_sent", "task_queue", "task_schedule", "users_apitoken", "users_session",
    ]

    static let migration = Migration(version: 15, name: "data_version", sql: """
        CREATE TABLE stockroom_dataversion (
            singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
            version bigint NOT NULL
        );
        INSERT INTO stockroom_dataversion (singleton, version) VALUES (true, 1);

        CREATE FUNCTION stockroom_raise_dataversion() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF current_setting('stockroom.dataversion_raised', true) IS DISTINCT FROM '1' THEN
                PERFORM set_config('stockroom.dataversion_raised', '1', true);
                UPDATE stockroom_dataversion SET version = version + 1;
            END IF;
            RETURN NULL;
        END $$;

        CREATE FUNCTION stockroom_track_changes(target regclass) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            EXECUTE format('CREATE CONSTRAINT TRIGGER stockroom_dataversion AFTER INSERT OR UPDATE OR DELETE ON %s '
                           'DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION stockroom_raise_dataversion()', target);
            EXECUTE format('CREATE TRIGGER stockroom_dataversion_truncate AFTER TRUNCATE ON %s '
                           'FOR EACH STATEMENT EXECUTE FUNCTION stockroom_raise_dataversion()', target);
        END $$;

        SELECT stockroom_track_changes(format('%I', table_name)::regclass)
        FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
          AND table_name <> ALL (ARRAY['\(untracked.joined(separator: "', '"))']);
        """)
}
