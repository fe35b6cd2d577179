import Postgres

/// The task queue of stockroom-worker: one row per task, claimed under a lease; and the periodic
/// schedule, one row per periodic task with the last period that was enqueued; the notifications sent.
enum Migration0010Tasks {
    static let migration = Migration(version: 10, name: "tasks", sql: """
        CREATE TABLE task_queue (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name text NOT NULL CHECK (name <> ''),
            args jsonb NOT NULL DEFAULT '{}',
            queue text NOT NULL DEFAULT 'default' CHECK (queue <> ''),
            -- Higher runs first.
            priority integer NOT NULL DEFAULT 0,
            run_after timestamptz NOT NULL DEFAULT now(),
            -- Claims so far; a claim counts as an attempt even if its worker dies.
            attempt integer NOT NULL DEFAULT 0 CHECK (attempt >= 0),
            max_attempts integer NOT NULL DEFAULT 5 CHECK (max_attempts >= 1),
            state text NOT NULL DEFAULT 'available'
                CHECK (state IN ('available', 'running', 'succeeded', 'failed', 'cancelled')),
            lease_owner text,
            lease_expires_at timestamptz,
            last_error text,
            error_context text,
            result text,
            unique_key text CHECK (unique_key <> ''),
            created_at timestamptz NOT NULL DEFAULT now(),
            started_at timestamptz,
            finished_at timestamptz,
            CHECK ((state = 'running') = (lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL))
        );
        -- A second enqueue of the same work is a no-op while the first is pending.
        CREATE UNIQUE INDEX task_queue_unique_pending ON task_queue (unique_key)
            WHERE unique_key IS NOT NULL AND state IN ('available', 'running');
        CREATE INDEX task_queue_claim ON task_queue (queue, priority DESC, run_after, id) WHERE state = 'available';
        CREATE INDEX task_queue_leases ON task_queue (lease_expires_at) WHERE state = 'running';
        CREATE INDEX task_queue_finished ON task_queue (state, finished_at)
            WHERE state IN ('succeeded', 'failed', 'cancelled');

        CREATE TABLE task_schedule (
            name text PRIMARY KEY CHECK (name <> ''),
            period_start timestamptz NOT NULL
        );

        -- Notifications already sent for an event still in force (e.g. a part below its minimum stock), so each
        -- event is delivered once per user; the row goes when the event ends.
        CREATE TABLE task_notification_sent (
            kind text NOT NULL CHECK (kind <> ''),
            object_id bigint NOT NULL,
            user_id integer NOT NULL REFERENCES auth_user (id) ON DELETE CASCADE DEFERRABLE,
            sent_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (kind, object_id, user_id)
        );
        """)
}
