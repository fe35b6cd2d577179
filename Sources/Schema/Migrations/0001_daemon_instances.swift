import Postgres

/// The daemons that are running now, each a row it writes at start, refreshes while alive and
/// deletes when it stops; `last_seen` tells a crashed daemon's row from a live one.
enum Migration0001DaemonInstances {
    static let migration = Migration(version: 1, name: "daemon_instances", sql: """
        CREATE TABLE daemon_instances (
            id bigserial PRIMARY KEY,
            kind text NOT NULL CHECK (kind IN ('proxy', 'web', 'worker', 'warmer')),
            host text NOT NULL CHECK (host <> ''),
            pid integer NOT NULL CHECK (pid > 0),
            started_at timestamptz NOT NULL DEFAULT now(),
            last_seen timestamptz NOT NULL DEFAULT now(),
            UNIQUE (host, pid)
        );
        CREATE INDEX daemon_instances_kind_last_seen ON daemon_instances (kind, last_seen);
        """)
}
