internal import GRDB

extension NetmonDatabase {
    /// Schema v6, for alerting (times are UTC epoch milliseconds):
    ///
    /// - `alert_rules`, `alert_channels`, `alert_policies`, `alert_silences`: definitions, each a
    ///   unique name and a JSON document the Alerting module encodes (`seeded` marks rows written
    ///   from the configuration file).
    /// - `alerts`: one row per rule × target (`target_key`), with its state machine and escalation
    ///   progress as JSON, so states survive a restart; acknowledgement and why it is suppressed.
    /// - `alert_history`: what happened to an alert (fired, resolved, acknowledged...).
    /// - `alert_outbox`: every notification, recorded before it is sent, with a unique
    ///   idempotency key (event × channel: a second insert of the same notification is ignored),
    ///   retried with backoff until `delivered` or `dead`.
    /// - `alert_deliveries`: one row per delivery attempt (the delivery log).
    static func migrateV6(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE alert_rules (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE,
                    definition TEXT NOT NULL CHECK (json_valid(definition)),
                    seeded INTEGER NOT NULL DEFAULT 0,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE TABLE alert_channels (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE,
                    definition TEXT NOT NULL CHECK (json_valid(definition)),
                    seeded INTEGER NOT NULL DEFAULT 0,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE TABLE alert_policies (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE,
                    definition TEXT NOT NULL CHECK (json_valid(definition)),
                    seeded INTEGER NOT NULL DEFAULT 0,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE TABLE alert_silences (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE,
                    definition TEXT NOT NULL CHECK (json_valid(definition)),
                    seeded INTEGER NOT NULL DEFAULT 0,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );

                CREATE TABLE alerts (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    rule_id INTEGER NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,
                    target_key TEXT NOT NULL,
                    device_id INTEGER REFERENCES devices(id) ON DELETE CASCADE,
                    interface_id INTEGER REFERENCES interfaces(id) ON DELETE CASCADE,
                    state TEXT NOT NULL,
                    machine TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(machine)),
                    escalation TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(escalation)),
                    value REAL,
                    summary TEXT NOT NULL DEFAULT '',
                    suppressed TEXT,
                    silenced INTEGER NOT NULL DEFAULT 0,
                    acked_at INTEGER,
                    ack_by TEXT,
                    ack_comment TEXT,
                    event_seq INTEGER NOT NULL DEFAULT 0,
                    updated_at INTEGER NOT NULL,
                    UNIQUE (rule_id, target_key)
                );
                CREATE INDEX alerts_by_state ON alerts (state);

                CREATE TABLE alert_history (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
                    ts INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    actor TEXT,
                    comment TEXT
                );
                CREATE INDEX alert_history_by_alert ON alert_history (alert_id, ts);

                CREATE TABLE alert_outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    idempotency_key TEXT NOT NULL UNIQUE,
                    alert_id INTEGER REFERENCES alerts(id) ON DELETE SET NULL,
                    channel_id INTEGER NOT NULL REFERENCES alert_channels(id) ON DELETE CASCADE,
                    event TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    delivered_at INTEGER,
                    last_error TEXT
                );
                CREATE INDEX alert_outbox_due ON alert_outbox (next_attempt_at) WHERE state = 'pending';
                CREATE INDEX alert_outbox_by_alert ON alert_outbox (alert_id);

                CREATE TABLE alert_deliveries (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    outbox_id INTEGER NOT NULL REFERENCES alert_outbox(id) ON DELETE CASCADE,
                    attempt INTEGER NOT NULL,
                    ts INTEGER NOT NULL,
                    outcome TEXT NOT NULL CHECK (outcome IN ('delivered', 'retry', 'dead')),
                    status INTEGER,
                    error TEXT,
                    duration_ms REAL NOT NULL
                );
                CREATE INDEX alert_deliveries_by_outbox ON alert_deliveries (outbox_id, attempt);
                """
        )
    }
}
