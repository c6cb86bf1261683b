import type { AppConfig } from '../config/app-config.js';
import { FakeClock } from '../../test/fake-clock.js';
import type { EventEnvelope } from './event-envelope.js';
import { EventsRepository, type EventPage } from './events.repository.js';
import { EventsService } from './events.service.js';
import { MessageWaits } from './message-waits.js';

class MemoryEvents extends EventsRepository {
  readonly stored: EventEnvelope[] = [];
  append(event: EventEnvelope): void {
    this.stored.push(event);
  }
  list({ after, types, limit }: EventPage): EventEnvelope[] {
    return this.stored.filter((e) => (after === null || e.id > after) && (types.length === 0 || types.includes(e.type))).slice(0, limit);
  }
  lastId(): string | null {
    return this.stored.at(-1)?.id ?? null;
  }
  deleteBefore(): number {
    return 0;
  }
  deleteSession(): void {}
}

const ALICE = '15551234567@c.us';
const BOB = '15557654321@c.us';

describe('MessageWaits', () => {
  let clock: FakeClock;
  let events: EventsService;
  let waits: MessageWaits;
  const receive = (chatId: string, body = 'hi') =>
    events.record('default', 'message.received', new Date(), { id: `m-${body}`, chat_id: chatId, body });

  beforeEach(() => {
    clock = new FakeClock();
    events = new EventsService({} as AppConfig, new MemoryEvents());
    events.now = () => clock.now();
    waits = new MessageWaits(events, clock);
  });

  it('answers at once with the messages after the cursor, skipping other event types', async () => {
    const start = receive(ALICE, 'one');
    events.record('default', 'message.ack', new Date(), { id: 'x', chat_id: ALICE, ack: 'read' });
    const two = receive(ALICE, 'two');
    await expect(waits.wait({ chatId: null, session: 'default', after: start.id, timeoutMs: 0, limit: 20 })).resolves.toEqual({
      ok: true,
      count: 1,
      events: [two],
      next_after: two.id,
    });
  });

  it('without a cursor starts from now: older messages are not returned, next_after is the newest event', async () => {
    receive(ALICE, 'old');
    const newest = events.record('default', 'session.status', new Date(), { state: 'ready' });
    await expect(waits.wait({ chatId: null, session: 'default', after: null, timeoutMs: 0, limit: 20 })).resolves.toEqual({
      ok: true,
      count: 0,
      events: [],
      next_after: newest.id,
    });
  });

  it('with an empty log, "from now" is still a cursor: passed back, it finds what came in between', async () => {
    const now = await waits.wait({ chatId: null, session: 'default', after: null, timeoutMs: 0, limit: 20 });
    expect(now).toMatchObject({ count: 0, next_after: expect.stringMatching(/^evt_/) });
    const between = receive(ALICE, 'between');
    await expect(waits.wait({ chatId: null, session: 'default', after: now.next_after, timeoutMs: 0, limit: 20 })).resolves.toMatchObject({
      events: [between],
    });
  });

  it('waits, then answers as soon as a message is stored, and stops listening', async () => {
    const start = receive(ALICE, 'old');
    const waiting = waits.wait({ chatId: null, session: 'default', after: start.id, timeoutMs: 30_000, limit: 20 });
    await Promise.resolve();
    expect(waits.size).toBe(1);
    const reply = receive(BOB, 'reply');
    await expect(waiting).resolves.toEqual({ ok: true, count: 1, events: [reply], next_after: reply.id });
    expect(waits.size).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('times out empty with the same cursor', async () => {
    const start = receive(ALICE, 'old');
    const waiting = waits.wait({ chatId: null, session: 'default', after: start.id, timeoutMs: 5000, limit: 20 });
    clock.advance(4999);
    expect(waits.size).toBe(1);
    clock.advance(1);
    await expect(waiting).resolves.toEqual({ ok: true, count: 0, events: [], next_after: start.id });
    expect(waits.size).toBe(0);
  });

  it("filtered by chat: another chat's message does not end the wait, and next_after moves past it", async () => {
    const start = receive(ALICE, 'old');
    const waiting = waits.wait({ chatId: ALICE, session: 'default', after: start.id, timeoutMs: 5000, limit: 20 });
    const other = receive(BOB, 'other');
    await Promise.resolve();
    expect(waits.size).toBe(1);
    const mine = receive(ALICE, 'mine');
    await expect(waiting).resolves.toEqual({ ok: true, count: 1, events: [mine], next_after: mine.id });
    expect(other.id < mine.id).toBe(true);
  });

  it('stops when the caller gives up, with nothing left listening', async () => {
    const start = receive(ALICE, 'old');
    const controller = new AbortController();
    const waiting = waits.wait({ chatId: null, session: 'default', after: start.id, timeoutMs: 60_000, limit: 20 }, controller.signal);
    controller.abort();
    await expect(waiting).resolves.toEqual({ ok: true, count: 0, events: [], next_after: start.id });
    expect(waits.size).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('returns at most `limit` messages, looking past more than one batch of other chats', async () => {
    const start = receive(ALICE, 'old');
    for (let n = 0; n < 150; n++) receive(BOB, `bob${n}`);
    const mine = [receive(ALICE, 'a'), receive(ALICE, 'b'), receive(ALICE, 'c')];
    await expect(waits.wait({ chatId: ALICE, session: 'default', after: start.id, timeoutMs: 0, limit: 2 })).resolves.toEqual({
      ok: true,
      count: 2,
      events: mine.slice(0, 2),
      next_after: mine[1].id,
    });
  });
});
