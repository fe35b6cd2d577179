import Postgres

/// `stockroom_dataversion`: the number of committed transactions that changed data, counted in the changing
/// transaction itself. A cached read model tagged with the version its reader saw is never served to a reader who
/// sees a later one, so a client never reads its own committed write as it was before.
///
/// The count is the sum of 64 rows; a transaction adds one to the row of its backend (`pg_backend_pid() % 64`), so
/// concurrent writers on different connections do not queue on one row. The sum identifies a snapshot's data
/// because PostgreSQL's snapshots are ordered by inclusion: of two snapshots with the same count, the later one
/// holds no committed change the earlier one lacks.
///
/// The row is raised by a deferred constraint trigger, once per transaction, at commit: by then the transaction
/// holds every other lock it will take, so that row lock, taken last, cannot close a deadlock cycle.
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
            shard smallint PRIMARY KEY CHECK (shard BETWEEN 0 AND 63),
            version bigint NOT NULL
        );
        INSERT INTO stockroom_dataversion (shard, version) SELECT shard, 0 FROM generate_series(0, 63) AS shard;

        CREATE FUNCTION stockroom_raise_dataversion() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF current_setting('stockroom.dataversion_raised', true) IS DISTINCT FROM '1' THEN
                PERFORM set_config('stockroom.dataversion_raised', '1', true);
                UPDATE stockroom_dataversion SET version = version + 1 WHERE shard = pg_backend_pid() % 64;
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
