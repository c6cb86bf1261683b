import type { Database } from 'better-sqlite3';

/** One step of the schema; `version` numbers are consecutive from 1 and never change once released. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

/**
 * The schema, in order. Append a step to change it; never edit a released one (a database in the
 * field has already run it).
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'events',
    up: (db) =>
      db.exec(`
        CREATE TABLE events (
          id TEXT PRIMARY KEY,
          type TEXT NOT NULL,
          session TEXT NOT NULL,
          timestamp TEXT NOT NULL,
          data TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX events_type_id ON events (type, id);
      `),
  },
  {
    version: 2,
    name: 'webhooks',
    // Deliveries keep their own copy of the envelope: event retention must not lose a queued one.
    up: (db) =>
      db.exec(`
        CREATE TABLE webhooks (
          id TEXT PRIMARY KEY,
          url TEXT NOT NULL,
          events TEXT NOT NULL,
          description TEXT,
          secret TEXT NOT NULL,
          enabled INTEGER NOT NULL,
          disabled_reason TEXT,
          created_at TEXT NOT NULL
        );
        CREATE TABLE webhook_deliveries (
          id TEXT PRIMARY KEY,
          webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
          event_id TEXT NOT NULL,
          event_type TEXT NOT NULL,
          payload TEXT NOT NULL,
          status TEXT NOT NULL,
          attempts INTEGER NOT NULL,
          last_status_code INTEGER,
          last_error TEXT,
          next_attempt_at INTEGER,
          delivered_at INTEGER,
          created_at INTEGER NOT NULL
        );
        CREATE INDEX webhook_deliveries_due ON webhook_deliveries (webhook_id, status, next_attempt_at);
      `),
  },
  {
    version: 3,
    name: 'idempotency keys',
    // Times are epoch milliseconds; `answer` is JSON, null while the first request runs.
    up: (db) =>
      db.exec(`
        CREATE TABLE idempotency_keys (
          scope       TEXT    NOT NULL,
          key         TEXT    NOT NULL,
          fingerprint TEXT    NOT NULL,
          answer      TEXT,
          created_at  INTEGER NOT NULL,
          expires_at  INTEGER NOT NULL,
          PRIMARY KEY (scope, key)
        );
        CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);
      `),
  },
  {
    version: 4,
    name: 'outbox',
    up: (db) =>
      db.exec(`
        CREATE TABLE outbox_items (
          seq           INTEGER PRIMARY KEY AUTOINCREMENT,
          id            TEXT    NOT NULL UNIQUE,
          session       TEXT    NOT NULL,
          recipient     TEXT    NOT NULL,
          message       TEXT    NOT NULL,
          state         TEXT    NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'unknown')),
          message_id    TEXT,
          error_code    TEXT,
          error_message TEXT,
          attempts      INTEGER NOT NULL DEFAULT 0,
          not_before    INTEGER NOT NULL DEFAULT 0,
          created_at    INTEGER NOT NULL,
          updated_at    INTEGER NOT NULL
        );
        CREATE INDEX outbox_items_queue ON outbox_items (session, state, recipient, seq);
      `),
  },
];

export class SchemaTooNewError extends Error {
  constructor(file: string, found: number, known: number) {
    super(`the database ${file} has schema version ${found}, newer than this server knows (${known}): run a newer version`);
    this.name = 'SchemaTooNewError';
  }
}

/** The schema version a database is at (0 when new). */
export function schemaVersion(db: Database): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  return (db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as { version: number | null }).version ?? 0;
}

/** Runs the steps not applied yet, each in its own transaction with its record; returns the versions applied. */
export function migrate(db: Database, steps: readonly Migration[] = MIGRATIONS): number[] {
  const current = schemaVersion(db);
  const known = steps.at(-1)?.version ?? 0;
  if (current > known) throw new SchemaTooNewError(db.name, current, known);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  for (const step of steps.filter((s) => s.version > current)) {
    db.transaction(() => {
      step.up(db);
      record.run(step.version, step.name, new Date().toISOString());
    })();
    applied.push(step.version);
  }
  return applied;
}
