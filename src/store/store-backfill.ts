import { Logger } from '@nestjs/common';
import { describeError } from '../common/describe-error.js';
import type { MessageSummary } from '../whatsapp/whatsapp-client.port.js';
import type { ChatInfo, MessageStoreRepository, StoreCounts } from './message-store.repository.js';

/** Where the backfill reads history from; the lead implements it with the session's client. */
export interface HistorySource {
  /** Up to `limit` chats, newest activity first. */
  chats(limit: number): Promise<ChatInfo[]>;
  /** The last `limit` messages of a chat. */
  messages(chatId: string, limit: number): Promise<MessageSummary[]>;
}

export interface BackfillSettings {
  session: string;
  /** `WHATSAPP_BACKFILL_MESSAGES`: messages fetched per chat; 0 turns the backfill off. */
  messagesPerChat: number;
  /** How many of the newest chats are considered. */
  maxChats?: number;
  /** The pause between two chats, so the client stays free for sends and reads. */
  pauseMs?: number;
  /** The clock (tests pass one that does not sleep). */
  wait?: (ms: number) => Promise<void>;
  now?: () => Date;
}

export type BackfillState = 'idle' | 'running' | 'done';

/** The status's `store` object. `progress` is the share (0 to 1) of the current or last pass done. */
export interface StoreStatus extends StoreCounts {
  backfill: BackfillState;
  progress: number;
}

const DEFAULT_MAX_CHATS = 1000;
const DEFAULT_PAUSE_MS = 250;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Copies each chat's recent history into the store after `ready`, one request at a time, newest
 * chats first, with a pause between chats. What was done survives a restart: a chat is fetched again
 * only when WhatsApp reports newer activity than it had when it was last fetched (while the server
 * runs, the events keep it exact), so an interrupted pass resumes where it stopped and a later pass
 * only catches up what happened while the server was away.
 */
export class StoreBackfill {
  private readonly logger: Logger;
  private state: BackfillState = 'idle';
  private planned = 0;
  private finished = 0;
  private running: Promise<BackfillState> | null = null;
  private stopping = false;

  constructor(
    private readonly store: MessageStoreRepository,
    private readonly source: HistorySource,
    private readonly settings: BackfillSettings,
  ) {
    this.logger = new Logger(`StoreBackfill:${settings.session}`);
  }

  /** Starts a pass in the background, or returns the one running; resolves with the state it ended in. */
  start(): Promise<BackfillState> {
    if (this.settings.messagesPerChat <= 0) return Promise.resolve(this.state);
    this.stopping = false;
    this.running ??= this.pass().finally(() => (this.running = null));
    return this.running;
  }

  /** Lets the request in flight finish, then stops; the next start() resumes. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  status(): StoreStatus {
    return { ...this.store.counts(this.settings.session), ...this.passState() };
  }

  /** The status without the counts (which cost a scan of the session's rows). */
  passState(): Pick<StoreStatus, 'backfill' | 'progress'> {
    return { backfill: this.state, progress: this.state === 'done' ? 1 : this.planned === 0 ? 0 : this.finished / this.planned };
  }

  private async pass(): Promise<BackfillState> {
    const { session, messagesPerChat, maxChats = DEFAULT_MAX_CHATS, pauseMs = DEFAULT_PAUSE_MS } = this.settings;
    const wait = this.settings.wait ?? sleep;
    const now = this.settings.now ?? (() => new Date());
    this.state = 'running';
    this.planned = 0;
    this.finished = 0;
    try {
      const chats = await this.source.chats(maxChats);
      this.store.upsertChats(session, chats);
      const fetched = this.store.backfilledChats(session);
      const todo = chats.filter((chat) => {
        const fetchedAt = fetched.get(chat.id);
        return fetchedAt === undefined || fetchedAt < chat.timestamp;
      });
      this.planned = chats.length;
      this.finished = chats.length - todo.length;
      for (const chat of todo) {
        if (this.stopping) return (this.state = 'idle');
        await wait(pauseMs);
        if (this.stopping) return (this.state = 'idle');
        const messages = await this.source.messages(chat.id, messagesPerChat);
        this.store.upsertMessages(session, chat.id, messages);
        this.store.markBackfilled(session, chat, messages.length, now());
        this.finished += 1;
      }
      this.logger.log(`Backfilled ${todo.length} of ${chats.length} chats`);
      return (this.state = 'done');
    } catch (error) {
      // Most often the client went away; the next `ready` starts a pass that resumes here.
      this.logger.warn(`Backfill stopped after ${this.finished} of ${this.planned} chats: ${describeError(error)}`);
      return (this.state = 'idle');
    }
  }
}
