import { Logger } from '@nestjs/common';
import Database from 'better-sqlite3';
import type { MessageSummary } from '../whatsapp/whatsapp-client.port.js';
import type { ChatInfo } from './message-store.repository.js';
import { SqliteMessageStoreRepository } from './sqlite-message-store.repository.js';
import { type HistorySource, StoreBackfill, type BackfillSettings } from './store-backfill.js';
import { migrate } from '../database/migrations.js';

const chatId = (index: number): string => `5511900000${String(index).padStart(3, '0')}@c.us`;

/** A phone with `count` chats of 10 messages each; records every request and how many ran at once. */
class FakeHistory implements HistorySource {
  readonly requests: string[] = [];
  maxInFlight = 0;
  private inFlight = 0;
  /** Set to make the request for this chat fail, as when the client goes away. */
  failOn: string | null = null;
  chatList: ChatInfo[];

  constructor(count: number) {
    this.chatList = Array.from({ length: count }, (_, index) => ({
      id: chatId(index),
      name: `Chat ${index}`,
      is_group: false,
      timestamp: 2_000_000 - index,
    }));
  }

  async chats(limit: number): Promise<ChatInfo[]> {
    return this.request('chats', async () => this.chatList.slice(0, limit));
  }

  async messages(id: string, limit: number): Promise<MessageSummary[]> {
    return this.request(id, async () => {
      if (id === this.failOn) throw new Error('Target closed');
      return Array.from({ length: 10 }, (_, index) => ({
        id: `false_${id}_${index}`,
        from: id,
        to: 'me@c.us',
        author: null,
        from_me: false,
        type: 'chat',
        body: `historia ${index} do ${id}`,
        timestamp: 1_000_000 + index,
        has_media: false,
      })).slice(-limit);
    });
  }

  private async request<T>(name: string, run: () => Promise<T>): Promise<T> {
    this.requests.push(name);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await Promise.resolve();
      return await run();
    } finally {
      this.inFlight -= 1;
    }
  }
}

describe('StoreBackfill', () => {
  let db: Database.Database;
  let store: SqliteMessageStoreRepository;
  const pauses: number[] = [];
  const settings = (extra: Partial<BackfillSettings> = {}): BackfillSettings => ({
    session: 'default',
    messagesPerChat: 4,
    pauseMs: 50,
    wait: async (ms) => void pauses.push(ms),
    ...extra,
  });

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));
  beforeEach(() => {
    db = new Database(':memory:');
    migrate(db);
    store = new SqliteMessageStoreRepository(db);
    pauses.length = 0;
  });
  afterEach(() => db.close());

  it('fetches the newest chats first, one request at a time, pausing between chats', async () => {
    const phone = new FakeHistory(3);
    const backfill = new StoreBackfill(store, phone, settings({ maxChats: 2 }));
    expect(backfill.status()).toEqual({ chats: 0, messages: 0, backfill: 'idle', progress: 0 });
    const run = backfill.start();
    expect(backfill.start()).toBe(run);
    expect(backfill.status().backfill).toBe('running');
    await expect(run).resolves.toBe('done');
    expect(phone.requests).toEqual(['chats', chatId(0), chatId(1)]);
    expect(phone.maxInFlight).toBe(1);
    expect(pauses).toEqual([50, 50]);
    expect(backfill.status()).toEqual({ chats: 2, messages: 8, backfill: 'done', progress: 1 });
    expect(store.history('default', chatId(0), undefined, 10).chat?.name).toBe('Chat 0');
    expect(store.search('historia', { session: 'default', chatId: chatId(1) }, { limit: 10 }).results).toHaveLength(4);
  });

  it('resumes after an interruption where it stopped, and catches up only chats with newer activity', async () => {
    const phone = new FakeHistory(4);
    phone.failOn = chatId(2);
    const first = new StoreBackfill(store, phone, settings());
    await expect(first.start()).resolves.toBe('idle');
    expect(first.status()).toEqual({ chats: 4, messages: 8, backfill: 'idle', progress: 0.5 });

    phone.failOn = null;
    phone.requests.length = 0;
    const afterRestart = new StoreBackfill(new SqliteMessageStoreRepository(db), phone, settings());
    await expect(afterRestart.start()).resolves.toBe('done');
    expect(phone.requests).toEqual(['chats', chatId(2), chatId(3)]);
    expect(afterRestart.status()).toEqual({ chats: 4, messages: 16, backfill: 'done', progress: 1 });

    phone.requests.length = 0;
    phone.chatList[1].timestamp += 60;
    await expect(new StoreBackfill(store, phone, settings()).start()).resolves.toBe('done');
    expect(phone.requests).toEqual(['chats', chatId(1)]);
  });

  it('stops after the request in flight and resumes on the next start', async () => {
    const phone = new FakeHistory(3);
    let backfill: StoreBackfill;
    let stopped: Promise<void> | undefined;
    backfill = new StoreBackfill(
      store,
      phone,
      settings({
        wait: async () => {
          if (phone.requests.length === 2) stopped = backfill.stop();
        },
      }),
    );
    await expect(backfill.start()).resolves.toBe('idle');
    await stopped;
    expect(phone.requests).toEqual(['chats', chatId(0)]);
    backfill = new StoreBackfill(store, phone, settings());
    await expect(backfill.start()).resolves.toBe('done');
    expect(phone.requests).toEqual(['chats', chatId(0), 'chats', chatId(1), chatId(2)]);
  });

  it('does nothing when WHATSAPP_BACKFILL_MESSAGES is 0', async () => {
    const phone = new FakeHistory(2);
    await expect(new StoreBackfill(store, phone, settings({ messagesPerChat: 0 })).start()).resolves.toBe('idle');
    expect(phone.requests).toEqual([]);
  });
});
