/* The message store's SQL, prepared once by SqliteMessageStoreRepository. */

export const COLUMNS =
  'm.pk, m.id, m.chat_id, m.from_id, m.to_id, m.author, m.from_me, m.type, m.body, m.timestamp, m.has_media, m.media, m.ack, m.edited, m.revoked, m.reactions';

const FILTERS = `m.session = @session AND m.revoked = 0
  AND (@chatId IS NULL OR m.chat_id = @chatId)
  AND (@fromMe IS NULL OR m.from_me = @fromMe)
  AND (@after IS NULL OR m.timestamp >= @after)
  AND (@before IS NULL OR m.timestamp < @before)`;

// The matches to rank: the most recently stored ones (FTS5 walks its doclist backwards by rowid and
// stops at @cap), so bm25() runs for at most @cap rows however common the words are; then the best
// first (bm25 is negative, more negative = more relevant), then newest. @ceiling is the newest
// message when paging began: later messages do not shift the set under a cursor.
const CANDIDATES = `
SELECT rank, timestamp, pk FROM (
  SELECT bm25(store_messages_fts) AS rank, m.timestamp, m.pk
  FROM store_messages_fts JOIN store_messages m ON m.pk = store_messages_fts.rowid
  WHERE store_messages_fts MATCH @query AND store_messages_fts.rowid <= CAST(@ceiling AS INTEGER) AND ${FILTERS}
  ORDER BY store_messages_fts.rowid DESC LIMIT @cap)
ORDER BY rank, timestamp DESC, pk DESC`;

// The matches older than the ranked set, without ranking: most recently stored first.
const OLDER = `
SELECT m.timestamp, m.pk
FROM store_messages_fts JOIN store_messages m ON m.pk = store_messages_fts.rowid
WHERE store_messages_fts MATCH @query AND store_messages_fts.rowid < CAST(@below AS INTEGER) AND ${FILTERS}
ORDER BY store_messages_fts.rowid DESC LIMIT @limit`;

const PAGE = `
SELECT ${COLUMNS}, coalesce(c.name, '') AS chat_name FROM store_messages m
LEFT JOIN store_chats c ON c.session = m.session AND c.id = m.chat_id
WHERE m.pk IN (SELECT value FROM json_each(?))`;

// Matched words are wrapped in ** (Markdown bold: plain enough for REST clients, read as emphasis by agents).
// The page's snippets in one pass over the matches between its oldest and newest row (which the
// candidates query has walked already): `+rowid` keeps the list from FTS5, which would seek once
// per row, and for a prefix rebuild the prefix's merged list at every seek.
// Every rowid bound is CAST: better-sqlite3 binds numbers as REAL, and FTS5 ignores a rowid
// constraint that is not an INTEGER (SQLite then filters the rows itself: right, but after FTS5 has
// walked every match from the newest; an equality even returned the first match of all).
const SNIPPETS = `
SELECT rowid AS pk, snippet(store_messages_fts, 0, '**', '**', '…', 16) AS snippet FROM store_messages_fts
WHERE store_messages_fts MATCH @query AND rowid BETWEEN CAST(@low AS INTEGER) AND CAST(@high AS INTEGER)
  AND +rowid IN (SELECT value FROM json_each(@pks))`;

const UPSERT_CHAT_OF_MESSAGE = `
INSERT INTO store_chats (session, id, is_group, last_activity) VALUES (?, ?, ?, ?)
ON CONFLICT (session, id) DO UPDATE SET last_activity = max(last_activity, excluded.last_activity)`;

// A message seen again (backfill after an event, an event replayed) refreshes what WhatsApp shows
// now, but never brings back the text of a revoked message nor resets ack, edit or reactions.
const UPSERT_MESSAGE = `
INSERT INTO store_messages (session, id, chat_id, from_id, to_id, author, from_me, type, body, timestamp, has_media, media, ack)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (session, id) DO UPDATE SET
  type = CASE WHEN revoked THEN type ELSE excluded.type END,
  body = CASE WHEN revoked THEN body ELSE excluded.body END,
  has_media = excluded.has_media,
  media = excluded.media`;

// Indexes the messages a write batch added (their pks are above the newest one before it): one
// FTS5 insert per batch, where a trigger per row cost four times as much (migration 10).
const INDEX_NEW_MESSAGES = `
INSERT INTO store_messages_fts (rowid, body) SELECT pk, body FROM store_messages WHERE pk > ? ORDER BY pk`;

const NEWEST_PK = `SELECT coalesce(max(pk), 0) AS pk FROM store_messages`;

/** The write path's, prepared by SqliteMessageWriter. */
export const WRITE_STATEMENTS = {
  message: UPSERT_MESSAGE,
  indexNew: INDEX_NEW_MESSAGES,
  chatOfMessage: UPSERT_CHAT_OF_MESSAGE,
  newestPk: NEWEST_PK,
} as const;

export const STATEMENTS = {
  chat: `INSERT INTO store_chats (session, id, name, is_group, last_activity) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (session, id) DO UPDATE SET name = excluded.name, is_group = excluded.is_group,
    last_activity = max(last_activity, excluded.last_activity)`,
  ack: `UPDATE store_messages SET ack = @ack
    WHERE session = @session AND id = @id AND ((@ack >= 0 AND ack < @ack) OR (@ack < 0 AND ack = 0))`,
  edit: `UPDATE store_messages SET body = ?, edited = 1 WHERE session = ? AND id = ? AND revoked = 0`,
  revoke: `UPDATE store_messages SET body = '', type = 'revoked', revoked = 1 WHERE session = ? AND id = ? AND revoked = 0`,
  reactions: `SELECT reactions FROM store_messages WHERE session = ? AND id = ?`,
  setReactions: `UPDATE store_messages SET reactions = ? WHERE session = ? AND id = ?`,
  candidates: CANDIDATES,
  older: OLDER,
  newestPk: NEWEST_PK,
  page: PAGE,
  snippets: SNIPPETS,
  get: `SELECT ${COLUMNS} FROM store_messages m WHERE m.session = ? AND m.id = ?`,
  chatById: `SELECT id, name, is_group, last_activity FROM store_chats WHERE session = ? AND id = ?`,
  history: `SELECT ${COLUMNS} FROM store_messages m WHERE m.session = @session AND m.chat_id = @chatId
    AND (@timestamp IS NULL OR m.timestamp < @timestamp OR (m.timestamp = @timestamp AND m.pk < @pk))
    ORDER BY m.timestamp DESC, m.pk DESC LIMIT @limit`,
  after: `SELECT ${COLUMNS} FROM store_messages m WHERE m.session = @session AND m.chat_id = @chatId
    AND (m.timestamp > @timestamp OR (m.timestamp = @timestamp AND m.pk > @pk))
    ORDER BY m.timestamp, m.pk LIMIT @limit`,
  countChats: `SELECT count(*) AS n FROM store_chats WHERE session = ?`,
  countMessages: `SELECT count(*) AS n FROM store_messages WHERE session = ?`,
  deleteMessages: `DELETE FROM store_messages WHERE session = ?`,
  deleteChats: `DELETE FROM store_chats WHERE session = ?`,
  deleteBackfill: `DELETE FROM store_backfill_chats WHERE session = ?`,
  deleteOlder: `DELETE FROM store_messages WHERE timestamp < ?`,
  backfilled: `SELECT chat_id, chat_timestamp FROM store_backfill_chats WHERE session = ?`,
  markBackfilled: `INSERT INTO store_backfill_chats (session, chat_id, chat_timestamp, messages, finished_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (session, chat_id) DO UPDATE SET chat_timestamp = excluded.chat_timestamp, messages = excluded.messages,
    finished_at = excluded.finished_at`,
} as const;
