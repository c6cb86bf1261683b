import type { Database, Statement } from 'better-sqlite3';
import type { ChatMessage } from '../whatsapp/whatsapp-client.port.js';
import { ackRank } from './ack-rank.js';
import { WRITE_STATEMENTS } from './sqlite-message-store.statements.js';
import { WriteBehind } from './write-behind.js';

/** Messages written in one transaction at most, when they arrive faster than the event loop turns. */
export const WRITE_BATCH = 1_000;

export interface MessageWrite {
  session: string;
  message: ChatMessage;
}

/**
 * The store's one way to add messages: buffered (WriteBehind), then per batch in one transaction
 * the rows, their full-text index (one FTS5 insert for the rows the batch added, migration 10) and
 * their chats' last activity.
 */
export class SqliteMessageWriter {
  private readonly statements: Record<keyof typeof WRITE_STATEMENTS, Statement>;
  private readonly buffer: WriteBehind<MessageWrite>;

  constructor(db: Database, onLateError: (error: unknown, lost: number) => void) {
    this.statements = Object.fromEntries(Object.entries(WRITE_STATEMENTS).map(([name, text]) => [name, db.prepare(text)])) as Record<
      keyof typeof WRITE_STATEMENTS,
      Statement
    >;
    this.buffer = new WriteBehind(
      db.transaction((items: MessageWrite[]) => this.write(items)),
      WRITE_BATCH,
      onLateError,
    );
  }

  add(items: readonly MessageWrite[]): void {
    this.buffer.add(items);
  }

  /** Writes what is waiting now: every reader calls it first, so nothing is read stale. */
  flush(): void {
    this.buffer.flush();
  }

  private write(items: MessageWrite[]): void {
    const newest = new Map<string, { session: string; chatId: string; timestamp: number }>();
    let indexedUpTo = this.newestPk();
    const added = new Set<string>();
    for (const { session, message } of items) {
      // A message seen twice in one batch: its first row must be indexed before the second write
      // updates it, since the update trigger takes the old text out of the index.
      const messageKey = `${session}\n${message.id}`;
      if (added.has(messageKey)) {
        indexedUpTo = this.indexSince(indexedUpTo);
        added.clear();
      }
      added.add(messageKey);
      this.insert(session, message);
      const chatKey = `${session}\n${message.chat_id}`;
      const timestamp = Math.max(newest.get(chatKey)?.timestamp ?? 0, message.timestamp);
      newest.set(chatKey, { session, chatId: message.chat_id, timestamp });
    }
    this.indexSince(indexedUpTo);
    // A chat first seen through a message gets its name from the next chat listing (the backfill).
    for (const { session, chatId, timestamp } of newest.values())
      this.statements.chatOfMessage.run(session, chatId, chatId.endsWith('@g.us') ? 1 : 0, timestamp);
  }

  private newestPk(): number {
    return (this.statements.newestPk.get() as { pk: number }).pk;
  }

  /** Adds to the full-text index the messages stored after `pk`; returns the newest pk now indexed. */
  private indexSince(pk: number): number {
    this.statements.indexNew.run(pk);
    return this.newestPk();
  }

  private insert(session: string, message: ChatMessage): void {
    this.statements.message.run(
      session,
      message.id,
      message.chat_id,
      message.from,
      message.to,
      message.author,
      message.from_me ? 1 : 0,
      message.type,
      message.body,
      message.timestamp,
      message.has_media ? 1 : 0,
      message.media ? JSON.stringify(message.media) : null,
      // What we sent starts unconfirmed; what we received has, by definition, reached this device.
      ackRank(message.from_me ? 'pending' : 'device'),
    );
  }
}
