import type { AckName, ChatMessage, MessageSummary } from '../whatsapp/whatsapp-client.port.js';

/** A message as the store keeps it: the contract's `<message>` with its chat and its later fate. */
export interface StoredMessage extends ChatMessage {
  ack: AckName;
  edited: boolean;
  /** Deleted for everyone: `type` is `revoked` and `body` is empty, as WhatsApp Web shows it. */
  revoked: boolean;
  /** Who reacted (serialized id) → emoji. */
  reactions: Record<string, string>;
}

export interface StoredChat {
  id: string;
  name: string;
  is_group: boolean;
  /** Unix seconds of the newest message known. */
  last_activity: number;
}

/** What a chat listing of WhatsApp gives: `timestamp` is its last activity (Unix seconds). */
export interface ChatInfo {
  id: string;
  name: string;
  is_group: boolean;
  timestamp: number;
}

export interface SearchFilters {
  session: string;
  chatId?: string;
  fromMe?: boolean;
  /** Unix seconds, inclusive. */
  after?: number;
  /** Unix seconds, exclusive. */
  before?: number;
}

export interface SearchPage {
  limit: number;
  /** The `next_cursor` of the previous page. */
  cursor?: string;
}

export interface SearchHit {
  message: StoredMessage;
  chat: { id: string; name: string };
  /** A window of the body around the match; matched words are wrapped in `**`. */
  snippet: string;
}

export interface SearchResult {
  results: SearchHit[];
  /** Opaque; null on the last page. */
  next_cursor: string | null;
}

export interface HistoryResult {
  /** Null when the store knows no such chat. */
  chat: StoredChat | null;
  /** Oldest first. */
  messages: StoredMessage[];
  /** The id to pass as `before` for the page older than this one; null when there is none. */
  next_before: string | null;
}

export interface StoreCounts {
  chats: number;
  messages: number;
}

/**
 * The DI token of the message store. Services speak in these terms; the SQL lives in the
 * implementation (SqliteMessageStoreRepository), and a second backend is a second subclass.
 * Every operation is scoped to one session (account).
 */
export abstract class MessageStoreRepository {
  /** Inserts or refreshes a message (its text, type, media flag); keeps its ack, edit, revoke and reactions. */
  abstract upsertMessage(session: string, message: ChatMessage): void;
  /** The same for a page of one chat's history, written in one transaction. */
  abstract upsertMessages(session: string, chatId: string, messages: MessageSummary[]): void;
  /**
   * Writes now what the two above may hold back for a moment to batch it. Every other operation
   * sees all messages upserted before it without this; it is for shutdown.
   */
  abstract flush(): void;
  /** Moves the ack forward only (`pending` → `server` → `device` → `read` → `played`); false when unknown or not newer. */
  abstract applyAck(session: string, messageId: string, ack: AckName): boolean;
  abstract applyEdit(session: string, messageId: string, body: string): boolean;
  abstract applyRevoke(session: string, messageId: string): boolean;
  /** Records `from`'s reaction; `""` removes it. */
  abstract applyReaction(session: string, messageId: string, from: string, reaction: string): boolean;
  abstract upsertChats(session: string, chats: ChatInfo[]): void;
  abstract search(query: string, filters: SearchFilters, page: SearchPage): SearchResult;
  /** Up to `limit` messages of a chat older than the message `before` (the newest when absent). */
  abstract history(session: string, chatId: string, before: string | undefined, limit: number): HistoryResult;
  abstract get(session: string, messageId: string): StoredMessage | null;
  /** Up to `count` messages of the same chat just before and just after a message, oldest first. */
  abstract around(session: string, messageId: string, count: number): { before: StoredMessage[]; after: StoredMessage[] };
  abstract counts(session: string): StoreCounts;
  /** Wipes everything stored for a session (logout, session deleted). */
  abstract deleteSession(session: string): void;
  /** Retention: removes messages older than `days` before `now` (every session); returns how many. */
  abstract deleteOlderThan(days: number, now: Date): number;
  /** Backfill bookkeeping: the chats whose history was fetched → their `timestamp` when it was. */
  abstract backfilledChats(session: string): Map<string, number>;
  abstract markBackfilled(session: string, chat: ChatInfo, messages: number, now: Date): void;
}
