import type { Database, Statement } from 'better-sqlite3';
import { invalidInput } from '../common/app-error.js';
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

/** Acks as ordered numbers, so "never backwards" is a comparison in SQL; `error` only replaces `pending`. */
const ACKS: readonly AckName[] = ['error', 'pending', 'server', 'device', 'read', 'played'];
const ackRank = (ack: AckName): number => ACKS.indexOf(ack) - 1;
const ackName = (rank: number): AckName => ACKS[rank + 1] ?? 'pending';

export const BEFORE_RULE = 'before must be the id of a stored message of this chat';

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
  private readonly statements: Record<keyof typeof STATEMENTS, Statement>;
  private readonly upsertPage: (session: string, messages: ChatMessage[]) => void;

  constructor(private readonly db: Database) {
    super();
    this.statements = Object.fromEntries(Object.entries(STATEMENTS).map(([name, text]) => [name, db.prepare(text)])) as Record<
      keyof typeof STATEMENTS,
      Statement
    >;
    this.upsertPage = db.transaction((session: string, messages: ChatMessage[]) => {
      const newest = new Map<string, number>();
      for (const message of messages) {
        this.insert(session, message);
        newest.set(message.chat_id, Math.max(newest.get(message.chat_id) ?? 0, message.timestamp));
      }
      // A chat first seen through a message gets its name from the next chat listing (the backfill).
      for (const [chatId, timestamp] of newest)
        this.statements.chatOfMessage.run(session, chatId, chatId.endsWith('@g.us') ? 1 : 0, timestamp);
    });
  }

  upsertMessage(session: string, message: ChatMessage): void {
    this.upsertPage(session, [message]);
  }

  upsertMessages(session: string, chatId: string, messages: MessageSummary[]): void {
    this.upsertPage(
      session,
      messages.map((message) => ({ ...message, chat_id: chatId })),
    );
  }

  private insert(session: string, message: ChatMessage): void {
    this.statements.message.run({
      session,
      id: message.id,
      chat_id: message.chat_id,
      from: message.from,
      to: message.to,
      author: message.author,
      from_me: message.from_me ? 1 : 0,
      type: message.type,
      body: message.body,
      timestamp: message.timestamp,
      has_media: message.has_media ? 1 : 0,
      media: message.media ? JSON.stringify(message.media) : null,
      // What we sent starts unconfirmed; what we received has, by definition, reached this device.
      ack: ackRank(message.from_me ? 'pending' : 'device'),
    });
  }

  applyAck(session: string, messageId: string, ack: AckName): boolean {
    return this.statements.ack.run({ session, id: messageId, ack: ackRank(ack) }).changes > 0;
  }

  applyEdit(session: string, messageId: string, body: string): boolean {
    return this.statements.edit.run(body, session, messageId).changes > 0;
  }

  applyRevoke(session: string, messageId: string): boolean {
    return this.statements.revoke.run(session, messageId).changes > 0;
  }

  applyReaction(session: string, messageId: string, from: string, reaction: string): boolean {
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
    const match = toFtsQuery(query);
    const position = page.cursor === undefined ? null : decodeCursor(page.cursor);
    const positions = this.statements.search.all({
      query: match,
      session: filters.session,
      chatId: filters.chatId ?? null,
      fromMe: filters.fromMe === undefined ? null : filters.fromMe ? 1 : 0,
      after: filters.after ?? null,
      before: filters.before ?? null,
      rank: position?.rank ?? null,
      timestamp: position?.timestamp ?? null,
      pk: position?.pk ?? null,
      limit: page.limit + 1,
    }) as SearchPosition[];
    const shown = positions.slice(0, page.limit);
    const pks = JSON.stringify(shown.map((position) => position.pk));
    const rows = new Map((this.statements.page.all(pks) as (MessageRow & { chat_name: string })[]).map((row) => [row.pk, row]));
    const snippets = new Map(
      (this.statements.snippets.all(match, pks) as { pk: number; snippet: string }[]).map((row) => [row.pk, row.snippet]),
    );
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

  history(session: string, chatId: string, before: string | undefined, limit: number): HistoryResult {
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
    const row = this.statements.get.get(session, messageId) as MessageRow | undefined;
    return row ? toMessage(row) : null;
  }

  around(session: string, messageId: string, count: number): { before: StoredMessage[]; after: StoredMessage[] } {
    const row = this.statements.get.get(session, messageId) as MessageRow | undefined;
    if (!row || count <= 0) return { before: [], after: [] };
    const at = { session, chatId: row.chat_id, timestamp: row.timestamp, pk: row.pk, limit: count };
    return {
      before: (this.statements.history.all(at) as MessageRow[]).map(toMessage).reverse(),
      after: (this.statements.after.all(at) as MessageRow[]).map(toMessage),
    };
  }

  counts(session: string): StoreCounts {
    const count = (statement: Statement): number => (statement.get(session) as { n: number }).n;
    return { chats: count(this.statements.countChats), messages: count(this.statements.countMessages) };
  }

  deleteSession(session: string): void {
    this.db.transaction(() => {
      for (const name of ['deleteMessages', 'deleteChats', 'deleteBackfill'] as const) this.statements[name].run(session);
    })();
  }

  deleteOlderThan(days: number, now: Date): number {
    return this.statements.deleteOlder.run(Math.floor(now.getTime() / 1000) - days * 86_400).changes;
  }

  backfilledChats(session: string): Map<string, number> {
    const rows = this.statements.backfilled.all(session) as { chat_id: string; chat_timestamp: number }[];
    return new Map(rows.map((row) => [row.chat_id, row.chat_timestamp]));
  }

  markBackfilled(session: string, chat: ChatInfo, messages: number, now: Date): void {
    this.statements.markBackfilled.run(session, chat.id, chat.timestamp, messages, now.getTime());
  }
}
