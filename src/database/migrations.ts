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
        CREATE INDEX webhook_deliveries_settled ON webhook_deliveries (status, created_at);
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
  {
    version: 5,
    name: 'message store',
    /*
     * The message store (src/store). Every row carries its `session`
     * (the account), so several accounts share one database and one of them can be wiped alone.
     *
     * Full-text search is an FTS5 table with external content (`content='store_messages'`): the text is
     * stored once, in `store_messages.body`, and `snippet()` reads it from there. A contentless table
     * would save nothing (the body must be kept anyway for history) and could not produce snippets.
     * External content is only as exact as its triggers, so the three triggers below are the one place
     * that keeps the index in step: an edit replaces the indexed text, a revoke empties it, a delete drops it.
     * (Migration 10 replaced the insert trigger: the repository's write batch indexes what it adds, and
     * is the only place that may insert messages; it also added prefix indexes.)
     * `remove_diacritics 2` folds case and accents ("reuniao" finds "reunião", "ZURICH" finds "Zürich").
     * No `prefix=` indexes: they cost a third of the ingest rate, and a `word*` query reads one range of
     * the sorted vocabulary quickly without them. No index on `timestamp` alone either: only the daily
     * retention sweep would use it, and every insert would pay for it.
     */
    up: (db) =>
      db.exec(`
        CREATE TABLE store_chats (
          session TEXT NOT NULL,
          id TEXT NOT NULL,
          name TEXT NOT NULL DEFAULT '',
          is_group INTEGER NOT NULL DEFAULT 0,
          last_activity INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (session, id)
        ) WITHOUT ROWID;

        CREATE TABLE store_messages (
          pk INTEGER PRIMARY KEY,
          session TEXT NOT NULL,
          id TEXT NOT NULL,
          chat_id TEXT NOT NULL,
          from_id TEXT NOT NULL,
          to_id TEXT NOT NULL,
          author TEXT,
          from_me INTEGER NOT NULL,
          type TEXT NOT NULL,
          body TEXT NOT NULL,
          timestamp INTEGER NOT NULL,
          has_media INTEGER NOT NULL,
          ack INTEGER NOT NULL,
          edited INTEGER NOT NULL DEFAULT 0,
          revoked INTEGER NOT NULL DEFAULT 0,
          reactions TEXT NOT NULL DEFAULT '{}',
          UNIQUE (session, id)
        );
        CREATE INDEX store_messages_by_chat ON store_messages (session, chat_id, timestamp, pk);

        CREATE VIRTUAL TABLE store_messages_fts USING fts5(
          body,
          content = 'store_messages',
          content_rowid = 'pk',
          tokenize = 'unicode61 remove_diacritics 2'
        );

        CREATE TRIGGER store_messages_fts_insert AFTER INSERT ON store_messages BEGIN
          INSERT INTO store_messages_fts (rowid, body) VALUES (new.pk, new.body);
        END;
        CREATE TRIGGER store_messages_fts_delete AFTER DELETE ON store_messages BEGIN
          INSERT INTO store_messages_fts (store_messages_fts, rowid, body) VALUES ('delete', old.pk, old.body);
        END;
        CREATE TRIGGER store_messages_fts_update AFTER UPDATE OF body ON store_messages
        WHEN old.body IS NOT new.body BEGIN
          INSERT INTO store_messages_fts (store_messages_fts, rowid, body) VALUES ('delete', old.pk, old.body);
          INSERT INTO store_messages_fts (rowid, body) VALUES (new.pk, new.body);
        END;

        CREATE TABLE store_backfill_chats (
          session TEXT NOT NULL,
          chat_id TEXT NOT NULL,
          chat_timestamp INTEGER NOT NULL,
          messages INTEGER NOT NULL,
          finished_at INTEGER NOT NULL,
          PRIMARY KEY (session, chat_id)
        ) WITHOUT ROWID;
      `),
  },
  {
    version: 6,
    name: 'sessions',
    // The sessions created through the API: a session that was never linked still exists after a restart.
    up: (db) =>
      db.exec(`
        CREATE TABLE sessions (
          name       TEXT PRIMARY KEY,
          created_at INTEGER NOT NULL
        ) WITHOUT ROWID;
      `),
  },
  {
    version: 7,
    name: 'message media',
    // What WhatsApp announces of a message's file (`{ mimetype, filename, size }` as JSON); null without media.
    up: (db) => db.exec(`ALTER TABLE store_messages ADD COLUMN media TEXT`),
  },
  {
    version: 8,
    name: 'media cache',
    /*
     * The downloaded files in WHATSAPP_DATA_DIR/media/<session>/ (src/media/download): one row per
     * file, so the cache's total and its least recently used files are one query away. `used_at`
     * is epoch milliseconds.
     */
    up: (db) =>
      db.exec(`
        CREATE TABLE media_cache (
          session    TEXT    NOT NULL,
          message_id TEXT    NOT NULL,
          file       TEXT    NOT NULL,
          mimetype   TEXT    NOT NULL,
          filename   TEXT,
          size       INTEGER NOT NULL,
          sha256     TEXT    NOT NULL,
          used_at    INTEGER NOT NULL,
          PRIMARY KEY (session, message_id)
        ) WITHOUT ROWID;
        CREATE INDEX media_cache_used ON media_cache (used_at);
      `),
  },
  {
    version: 9,
    name: 'webhook sessions',
    // The sessions (accounts) whose events a webhook wants; `["*"]`: every session's.
    up: (db) => db.exec(`ALTER TABLE webhooks ADD COLUMN sessions TEXT NOT NULL DEFAULT '["*"]'`),
  },
  {
    version: 10,
    name: 'message store indexed per batch, with prefixes',
    /*
     * The full-text index is built anew (about 6 s per million stored messages, once) with two changes,
     * measured in docs/benchmarks.md:
     * - `prefix = '1 2 3'`: a search for `co*` read and merged the lists of every word starting with
     *   "co" (up to half a second on a million messages); the index now also keeps each word's first
     *   one, two and three letters, so those are one list. Longer prefixes cover few words and stay fast.
     * - no insert trigger: the store's repository indexes new messages once per write batch
     *   (`INSERT INTO store_messages_fts ... SELECT` of the rows the batch added). Through a row
     *   trigger FTS5 cost about 35 µs per message, three times the rest of the write; per batch, 8 µs.
     *   The edit, revoke and delete triggers stay: they change one row at a time.
     */
    up: (db) =>
      db.exec(`
        DROP TRIGGER store_messages_fts_insert;
        DROP TABLE store_messages_fts;
        CREATE VIRTUAL TABLE store_messages_fts USING fts5(
          body,
          content = 'store_messages',
          content_rowid = 'pk',
          tokenize = 'unicode61 remove_diacritics 2',
          prefix = '1 2 3'
        );
        INSERT INTO store_messages_fts (store_messages_fts) VALUES ('rebuild');
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
