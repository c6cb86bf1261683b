import Database from 'better-sqlite3';
import { Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { FakeClock } from '../../test/fake-clock.js';
import { AppError } from '../common/app-error.js';
import type { SendAnswer } from '../messaging/messaging.answers.js';
import type { MessagingService } from '../messaging/messaging.service.js';
import type { WhatsAppService } from '../whatsapp/whatsapp.service.js';
import { OutboxTopic } from './outbox-item.js';
import { migrate } from '../database/migrations.js';
import { SqliteOutboxRepository } from './outbox.sqlite.js';
import { OutboxService } from './outbox.service.js';
import { OutboxSettings, OutboxWorker } from './outbox.worker.js';

Logger.overrideLogger(false);

type Step = (to: string, sending: () => boolean) => Promise<SendAnswer | null>;

/** A worker on a real in-memory store, a clock the test moves and a scripted send. */
function setup(steps: Step[]) {
  const db = new Database(':memory:');
  migrate(db);
  const repository = new SqliteOutboxRepository(db);
  const clock = new FakeClock();
  const bus = new EventEmitter2();
  const calls: string[] = [];
  const messaging = {
    sendQueued: (_session: string, to: string, message: string, sending: () => boolean) => {
      calls.push(message);
      const step = steps.shift();
      if (!step) throw new Error(`unexpected send of ${message}`);
      return step(to, sending);
    },
  } as unknown as MessagingService;
  const whatsapp = {
    find: (session: string) => (session === 'gone' ? undefined : { currentState: 'ready' }),
  } as unknown as WhatsAppService;
  const worker = new OutboxWorker(repository, messaging, whatsapp, bus, clock, new OutboxSettings(1000, 4000, 3));
  const outbox = new OutboxService(repository, worker, clock);
  return { outbox, worker, clock, bus, calls, db, repository };
}

const sent =
  (to: string, n: number): Step =>
  async (_to, sending) => {
    if (!sending()) return null;
    return { ok: true, to, chat_id: `${to}@c.us`, message_id: `id-${n}`, timestamp: '2026-01-01T00:00:00.000Z' };
  };
const lookupFails: Step = async () => {
  throw new AppError('whatsapp_error', 'WhatsApp Web failed to look the number up: boom');
};

/** Lets the lanes' promises run (the store is synchronous, the sends resolve at once). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('OutboxWorker', () => {
  it('retries a transient failure with backoff, keeping the order of the recipient', async () => {
    const { outbox, clock, calls } = setup([lookupFails, lookupFails, sent('15550000001', 1), sent('15550000001', 2)]);
    const first = outbox.enqueue('15550000001', 'first').item;
    outbox.enqueue('15550000001', 'second');
    await settle();
    expect(outbox.get(first.id).item).toMatchObject({ state: 'queued', error: { code: 'whatsapp_error' } });
    clock.advance(999);
    await settle();
    expect(calls).toEqual(['first']);
    clock.advance(1);
    await settle();
    expect(calls).toEqual(['first', 'first']);
    clock.advance(1999);
    await settle();
    expect(calls).toEqual(['first', 'first']);
    clock.advance(1);
    await settle();
    expect(calls).toEqual(['first', 'first', 'first', 'second']);
    expect(outbox.depth()).toEqual({ queued: 0, sending: 0, sent: 2, failed: 0, unknown: 0 });
    expect(outbox.get(first.id).item).toMatchObject({ state: 'sent', message_id: 'id-1', error: null });
  });

  it('gives up after maxAttempts with the last error, published as outbox.failed', async () => {
    const { outbox, clock, bus } = setup([lookupFails, lookupFails, lookupFails]);
    const failed: unknown[] = [];
    bus.on(OutboxTopic.failed, (event) => failed.push(event));
    const { id } = outbox.enqueue('15550000001', 'x').item;
    for (let i = 0; i < 3; i++) {
      await settle();
      clock.advance(4000);
    }
    await settle();
    const error = { code: 'whatsapp_error', message: 'WhatsApp Web failed to look the number up: boom' };
    expect(outbox.get(id).item).toMatchObject({ state: 'failed', error });
    expect(failed).toEqual([{ session: 'default', at: expect.any(Date), item: expect.objectContaining({ id, state: 'failed', error }) }]);
  });

  it('an item cancelled while its send waited is not sent', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { outbox, calls } = setup([
      async (to, sending) => {
        await held;
        return sent(to, 1)(to, sending);
      },
    ]);
    const { id } = outbox.enqueue('15550000001', 'x').item;
    await settle();
    expect(calls).toEqual(['x']);
    expect(outbox.cancel(id).item).toMatchObject({ state: 'failed', error: { code: 'cancelled' } });
    release();
    await settle();
    expect(outbox.get(id).item).toMatchObject({ state: 'failed', message_id: null, error: { code: 'cancelled' } });
  });

  it('one item in flight per recipient; other recipients go meanwhile', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { outbox, calls } = setup([
      async (to, sending) => {
        await held;
        return sent(to, 1)(to, sending);
      },
      sent('15550000002', 2),
      sent('15550000001', 3),
    ]);
    outbox.enqueue('15550000001', 'a1');
    outbox.enqueue('15550000001', 'a2');
    outbox.enqueue('15550000002', 'b1');
    await settle();
    expect(calls).toEqual(['a1', 'b1']);
    release();
    await settle();
    expect(calls).toEqual(['a1', 'b1', 'a2']);
  });

  it('refuses an item for a session that no longer exists (deleted while the request was read)', () => {
    const { outbox, repository } = setup([]);
    expect(() => outbox.enqueue('15550000001', 'late', 'gone')).toThrow(
      expect.objectContaining({ code: 'session_not_found', message: 'There is no session "gone": create it with POST /api/sessions.' }),
    );
    expect(repository.sessions()).toEqual([]);
  });
});
