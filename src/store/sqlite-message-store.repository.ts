import { Logger } from '@nestjs/common';
import type { Database, Statement } from 'better-sqlite3';
import { invalidInput } from '../common/app-error.js';
import { describeError } from '../common/describe-error.js';
import type { AckName, ChatMessage, MediaInfo, MessageSummary } from '../whatsapp/whatsapp-client.port.js';
import {
  type ChatInfo,
  type HistoryResult,
  MessageStoreRepository,
  type SearchFilters,
  type SearchPage,
  type SearchResult,
  type StoreCounts,
  type StoredChat,
  type StoredMessage,
} from './message-store.repository.js';
import { STATEMENTS } from './sqlite-message-store.statements.js';
import { decodeCursor, encodeCursor, type SearchPosition, toFtsQuery } from './search-query.js';
import { ackName, ackRank } from './ack-rank.js';
import { SqliteMessageWriter } from './sqlite-message-writer.js';

export const BEFORE_RULE = 'before must be the id of a stored message of this chat';

/**
 * How many matches a search ranks by relevance: the most recently stored ones. bm25 costs about
 * 1 µs per match plus 1 µs to read its row, so a word found in a quarter of a million messages
 * would take a quarter of a second to rank; capped, any search takes a few milliseconds. Matches
 * past the cap still come, after the ranked ones, most recently stored first.
 */
export const RANKED_MATCHES = 1_000;

type Ranked = Omit<SearchPosition, 'ceiling'>;
const byRelevance = (a: Ranked, b: Ranked): number => (a.rank ?? 0) - (b.rank ?? 0) || b.timestamp - a.timestamp || b.pk - a.pk;

interface MessageRow {
  pk: number;
  id: string;
  chat_id: string;
  from_id: string;
  to_id: string;
  author: string | null;
  from_me: number;
  type: string;
  body: string;
  timestamp: number;
  has_media: number;
  media: string | null;
  ack: number;
  edited: number;
  revoked: number;
  reactions: string;
}

function toMessage(row: MessageRow): StoredMessage {
  return {
    id: row.id,
    chat_id: row.chat_id,
    from: row.from_id,
    to: row.to_id,
    author: row.author,
    from_me: row.from_me === 1,
    type: row.type,
    body: row.body,
    timestamp: row.timestamp,
    has_media: row.has_media === 1,
    ...(row.media !== null && { media: JSON.parse(row.media) as MediaInfo }),
    ack: ackName(row.ack),
    edited: row.edited === 1,
    revoked: row.revoked === 1,
    reactions: JSON.parse(row.reactions) as Record<string, string>,
  };
}

export class SqliteMessageStoreRepository extends MessageStoreRepository {
  private readonly logger = new Logger('Store');
  private readonly statements: Record<keyof typeof STATEMENTS, Statement>;
  private readonly writes: SqliteMessageWriter;

  constructor(private readonly db: Database) {
    super();
    this.statements = Object.fromEntries(Object.entries(STATEMENTS).map(([name, text]) => [name, db.prepare(text)])) as Record<
      keyof typeof STATEMENTS,
      Statement
    >;
    this.writes = new SqliteMessageWriter(db, (error, lost) =>
      this.logger.error(`${lost} messages could not be stored: ${describeError(error)}`),
    );
  }

  upsertMessage(session: string, message: ChatMessage): void {
    this.writes.add([{ session, message }]);
  }

  upsertMessages(session: string, chatId: string, messages: MessageSummary[]): void {
    this.writes.add(messages.map((message) => ({ session, message: { ...message, chat_id: chatId } })));
  }

  flush(): void {
    this.writes.flush();
  }

  private newestPk(): number {
    return (this.statements.newestPk.get() as { pk: number }).pk;
  }

  applyAck(session: string, messageId: string, ack: AckName): boolean {
    this.flush();
    return this.statements.ack.run({ session, id: messageId, ack: ackRank(ack) }).changes > 0;
  }

  applyEdit(session: string, messageId: string, body: string): boolean {
    this.flush();
    return this.statements.edit.run(body, session, messageId).changes > 0;
  }

  applyRevoke(session: string, messageId: string): boolean {
    this.flush();
    return this.statements.revoke.run(session, messageId).changes > 0;
  }

  applyReaction(session: string, messageId: string, from: string, reaction: string): boolean {
    this.flush();
    return this.db.transaction(() => {
      const row = this.statements.reactions.get(session, messageId) as { reactions: string } | undefined;
      if (!row) return false;
      const reactions = new Map(Object.entries(JSON.parse(row.reactions) as Record<string, string>));
      if (reaction === '') reactions.delete(from);
      else reactions.set(from, reaction);
      this.statements.setReactions.run(JSON.stringify(Object.fromEntries(reactions)), session, messageId);
      return true;
    })();
  }

  upsertChats(session: string, chats: ChatInfo[]): void {
    this.db.transaction(() => {
      for (const chat of chats) this.statements.chat.run(session, chat.id, chat.name, chat.is_group ? 1 : 0, chat.timestamp);
    })();
  }

  search(query: string, filters: SearchFilters, page: SearchPage): SearchResult {
    this.flush();
    const match = toFtsQuery(query);
    const from = page.cursor === undefined ? null : decodeCursor(page.cursor);
    const ceiling = from?.ceiling ?? this.newestPk();
    const positions = this.positions(
      {
        query: match,
        session: filters.session,
        chatId: filters.chatId ?? null,
        fromMe: filters.fromMe === undefined ? null : filters.fromMe ? 1 : 0,
        after: filters.after ?? null,
        before: filters.before ?? null,
      },
      from,
      ceiling,
      page.limit + 1,
    );
    const shown = positions.slice(0, page.limit);
    const rows = new Map(
      (this.statements.page.all(JSON.stringify(shown.map(({ pk }) => pk))) as (MessageRow & { chat_name: string })[]).map((row) => [
        row.pk,
        row,
      ]),
    );
    const snippets = this.snippets(match, shown);
    const last = shown.at(-1);
    return {
      results: shown.flatMap(({ pk }) => {
        const row = rows.get(pk);
        return row
          ? [{ message: toMessage(row), chat: { id: row.chat_id, name: row.chat_name }, snippet: snippets.get(pk) ?? row.body }]
          : [];
      }),
      next_cursor: positions.length > page.limit && last ? encodeCursor(last) : null,
    };
  }

  private snippets(query: string, shown: readonly { pk: number }[]): Map<number, string> {
    if (shown.length === 0) return new Map();
    const pks = shown.map(({ pk }) => pk);
    const rows = this.statements.snippets.all({
      query,
      low: Math.min(...pks),
      high: Math.max(...pks),
      pks: JSON.stringify(pks),
    }) as { pk: number; snippet: string }[];
    return new Map(rows.map(({ pk, snippet }) => [pk, snippet]));
  }

  /** Up to `wanted` positions after `from`: the ranked matches first, then, when they were capped, the older ones. */
  private positions(params: Record<string, unknown>, from: SearchPosition | null, ceiling: number, wanted: number): SearchPosition[] {
    const candidates = this.statements.candidates.all({ ...params, ceiling, cap: RANKED_MATCHES }) as Ranked[];
    // bm25 moves with every message stored, so the page's last row is found again by its pk; by its
    // old rank, a page could start before it again, or forever when all ranks drift alike.
    const at = from ? candidates.findIndex((candidate) => candidate.pk === from.pk) : -1;
    const ranked = (
      from?.rank === null
        ? []
        : at >= 0
          ? candidates.slice(at + 1, at + 1 + wanted)
          : candidates.filter((candidate) => !from || byRelevance(candidate, from) > 0).slice(0, wanted)
    ).map((candidate) => ({ ...candidate, ceiling }));
    const capped = candidates.length === RANKED_MATCHES;
    const below = from?.rank === null ? from.pk : capped ? candidates.reduce((oldest, { pk }) => Math.min(oldest, pk), Infinity) : null;
    if (below === null || ranked.length === wanted) return ranked;
    const older = this.statements.older.all({ ...params, below, limit: wanted - ranked.length }) as { timestamp: number; pk: number }[];
    return [...ranked, ...older.map(({ timestamp, pk }) => ({ rank: null, timestamp, pk, ceiling }))];
  }

  history(session: string, chatId: string, before: string | undefined, limit: number): HistoryResult {
    this.flush();
    const chatRow = this.statements.chatById.get(session, chatId) as (Omit<StoredChat, 'is_group'> & { is_group: number }) | undefined;
    const chat = chatRow ? { ...chatRow, is_group: chatRow.is_group === 1 } : null;
    let from: MessageRow | undefined;
    if (before !== undefined) {
      from = this.statements.get.get(session, before) as MessageRow | undefined;
      if (!from || from.chat_id !== chatId) throw invalidInput(BEFORE_RULE);
    }
    const rows = this.statements.history.all({
      session,
      chatId,
      timestamp: from?.timestamp ?? null,
      pk: from?.pk ?? null,
      limit: limit + 1,
    }) as MessageRow[];
    const shown = rows.slice(0, limit);
    return {
      chat,
      messages: shown.map(toMessage).reverse(),
      next_before: rows.length > limit ? (shown.at(-1)?.id ?? null) : null,
    };
  }

  get(session: string, messageId: string): StoredMessage | null {
    this.flush();
    const row = this.statements.get.get(session, messageId) as MessageRow | undefined;
    return row ? toMessage(row) : null;
  }

  around(session: string, messageId: string, count: number): { before: StoredMessage[]; after: StoredMessage[] } {
    this.flush();
    const row = this.statements.get.get(session, messageId) as MessageRow | undefined;
    if (!row || count <= 0) return { before: [], after: [] };
    const at = { session, chatId: row.chat_id, timestamp: row.timestamp, pk: row.pk, limit: count };
    return {
      before: (this.statements.history.all(at) as MessageRow[]).map(toMessage).reverse(),
      after: (this.statements.after.all(at) as MessageRow[]).map(toMessage),
    };
  }

  counts(session: string): StoreCounts {
    this.flush();
    const count = (statement: Statement): number => (statement.get(session) as { n: number }).n;
    return { chats: count(this.statements.countChats), messages: count(this.statements.countMessages) };
  }

  deleteSession(session: string): void {
    this.flush();
    this.db.transaction(() => {
      for (const name of ['deleteMessages', 'deleteChats', 'deleteBackfill'] as const) this.statements[name].run(session);
    })();
  }

  deleteOlderThan(days: number, now: Date): number {
    this.flush();
    return this.statements.deleteOlder.run(Math.floor(now.getTime() / 1000) - days * 86_400).changes;
  }

  backfilledChats(session: string): Map<string, number> {
    const rows = this.statements.backfilled.all(session) as { chat_id: string; chat_timestamp: number }[];
    return new Map(rows.map((row) => [row.chat_id, row.chat_timestamp]));
  }

  markBackfilled(session: string, chat: ChatInfo, messages: number, now: Date): void {
    this.flush();
    this.statements.markBackfilled.run(session, chat.id, chat.timestamp, messages, now.getTime());
  }
}
