import { Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import Database from 'better-sqlite3';
import { FakeWhatsApp } from '../../test/fake-whatsapp.js';
import { tempDir } from '../../test/temp-dirs.js';
import { loadAppConfig } from '../config/app-config.js';
import { migrate } from '../database/migrations.js';
import { SystemClock } from '../whatsapp/clock.js';
import { StoreStatusHook } from '../whatsapp/store-status.hook.js';
import type { ChatMessage } from '../whatsapp/whatsapp-client.port.js';
import { WhatsAppSessionFactory } from '../whatsapp/whatsapp-session.factory.js';
import { WhatsAppService } from '../whatsapp/whatsapp.service.js';
import { SqliteMessageStoreRepository } from './sqlite-message-store.repository.js';
import { BackfillPace, StoreLifecycle } from './store.lifecycle.js';

Logger.overrideLogger(false);

const DAY = 86_400;
const now = Math.floor(Date.now() / 1000);

function message(id: string, ageDays: number, session = 'default'): [string, ChatMessage] {
  const chat = '15551234567@c.us';
  return [
    session,
    {
      id,
      chat_id: chat,
      from: chat,
      to: 'me@c.us',
      author: null,
      from_me: false,
      type: 'chat',
      body: id,
      timestamp: now - ageDays * DAY,
      has_media: false,
    },
  ];
}

function lifecycle(env: Record<string, string>) {
  const config = loadAppConfig({ WHATSAPP_AUTH_DIR: tempDir('wa-store-life-'), WHATSAPP_TERMINAL_QR: 'false', ...env });
  const db = new Database(':memory:');
  migrate(db);
  const store = new SqliteMessageStoreRepository(db);
  const hook = new StoreStatusHook();
  const whatsapp = new WhatsAppService(
    new WhatsAppSessionFactory(config, new FakeWhatsApp(), new SystemClock(), new EventEmitter2(), hook),
  );
  return { store, hook, life: new StoreLifecycle(config, store, whatsapp, new BackfillPace(0), hook) };
}

describe('StoreLifecycle', () => {
  it('retention deletes messages older than WHATSAPP_STORE_RETENTION_DAYS at start, in every session', async () => {
    const { store, life } = lifecycle({ WHATSAPP_STORE_RETENTION_DAYS: '30' });
    for (const [session, m] of [message('old', 31), message('recent', 29), message('old-work', 40, 'work')])
      store.upsertMessage(session, m);
    life.onApplicationBootstrap();
    await life.beforeApplicationShutdown();
    expect(store.get('default', 'old')).toBeNull();
    expect(store.get('work', 'old-work')).toBeNull();
    expect(store.get('default', 'recent')).toMatchObject({ id: 'recent' });
  });

  it('keeps everything with the default of 0 days', async () => {
    const { store, life } = lifecycle({});
    store.upsertMessage(...message('ancient', 3650));
    life.onApplicationBootstrap();
    await life.beforeApplicationShutdown();
    expect(store.get('default', 'ancient')).toMatchObject({ id: 'ancient' });
  });

  it("an unlink deletes that session's messages only", async () => {
    const { store, life } = lifecycle({});
    store.upsertMessage(...message('mine', 1));
    store.upsertMessage(...message('theirs', 1, 'work'));
    await life.onUnlinked({ session: 'default', at: new Date(), reason: 'logout' });
    expect(store.counts('default')).toEqual({ chats: 0, messages: 0 });
    expect(store.counts('work')).toEqual({ chats: 1, messages: 1 });
  });

  it('fills the status hook when on, leaves it null when off', () => {
    const on = lifecycle({});
    on.store.upsertMessage(...message('one', 1));
    expect(on.hook.read('default')).toEqual({ chats: 1, messages: 1, backfill: 'idle', progress: 0 });
    expect(lifecycle({ WHATSAPP_STORE: 'off' }).hook.read('default')).toBeNull();
  });

  it('reuses the counts for a second, and forgets them when the account is unlinked', async () => {
    const { store, hook, life } = lifecycle({});
    store.upsertMessage(...message('one', 1));
    expect(hook.read('default')?.messages).toBe(1);
    store.upsertMessage(...message('two', 1));
    expect(hook.read('default')?.messages).toBe(1);
    await life.onUnlinked({ session: 'default', at: new Date(), reason: 'unlinked' });
    expect(hook.read('default')).toEqual({ chats: 0, messages: 0, backfill: 'idle', progress: 0 });
  });
});
