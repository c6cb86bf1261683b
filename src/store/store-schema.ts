/**
 * The message store's tables, for the migrations of src/database. Every row carries its `session`
 * (the account), so several accounts share one database and one of them can be wiped alone.
 *
 * Full-text search is an FTS5 table with external content (`content='store_messages'`): the text is
 * stored once, in `store_messages.body`, and `snippet()` reads it from there. A contentless table
 * would save nothing (the body must be kept anyway for history) and could not produce snippets.
 * External content is only as exact as its triggers, so the three triggers below are the one place
 * that keeps the index in step: an edit replaces the indexed text, a revoke empties it, a delete drops it.
 * `remove_diacritics 2` folds case and accents ("reuniao" finds "reunião", "ZURICH" finds "Zürich").
 * No `prefix=` indexes: they cost a third of the ingest rate, and a `word*` query reads one range of
 * the sorted vocabulary quickly without them. No index on `timestamp` alone either: only the daily
 * retention sweep would use it, and every insert would pay for it.
 */
export const STORE_SCHEMA = `
CREATE TABLE IF NOT EXISTS store_chats (
  session TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  is_group INTEGER NOT NULL DEFAULT 0,
  last_activity INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (session, id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS store_messages (
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
CREATE INDEX IF NOT EXISTS store_messages_by_chat ON store_messages (session, chat_id, timestamp, pk);

CREATE VIRTUAL TABLE IF NOT EXISTS store_messages_fts USING fts5(
  body,
  content = 'store_messages',
  content_rowid = 'pk',
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER IF NOT EXISTS store_messages_fts_insert AFTER INSERT ON store_messages BEGIN
  INSERT INTO store_messages_fts (rowid, body) VALUES (new.pk, new.body);
END;
CREATE TRIGGER IF NOT EXISTS store_messages_fts_delete AFTER DELETE ON store_messages BEGIN
  INSERT INTO store_messages_fts (store_messages_fts, rowid, body) VALUES ('delete', old.pk, old.body);
END;
CREATE TRIGGER IF NOT EXISTS store_messages_fts_update AFTER UPDATE OF body ON store_messages
WHEN old.body IS NOT new.body BEGIN
  INSERT INTO store_messages_fts (store_messages_fts, rowid, body) VALUES ('delete', old.pk, old.body);
  INSERT INTO store_messages_fts (rowid, body) VALUES (new.pk, new.body);
END;

CREATE TABLE IF NOT EXISTS store_backfill_chats (
  session TEXT NOT NULL,
  chat_id TEXT NOT NULL,
  chat_timestamp INTEGER NOT NULL,
  messages INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  PRIMARY KEY (session, chat_id)
) WITHOUT ROWID;
`;
