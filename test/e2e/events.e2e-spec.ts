import request from 'supertest';
import { createTestApp, type TestApp } from '../app-harness.js';
import { busOf, chatMessage, CHAT, publishOneOfEach, statusObject, type Bus } from '../event-bus.js';
import { tempDir } from '../temp-dirs.js';
import { EventsService } from '../../src/events/events.service.js';
import { SentMessageRegistry } from '../../src/events/sent-message.registry.js';
import { WhatsAppTopic } from '../../src/whatsapp/whatsapp-events.js';

const ID = /^evt_[0-9A-HJKMNP-TV-Z]{26}$/;
const LIMIT_RULE = 'limit must be an integer between 1 and 1000';
const TYPES_RULE =
  'types must be a comma-separated list of event types (message.received, message.sent, message.ack, message.revoked, ' +
  'message.edited, message.reaction, session.status, outbox.failed, webhook.test)';
const AFTER_RULE = 'after must be an event id (evt_ followed by 26 characters of a ULID)';

let t: TestApp | undefined;
let bus: Bus;

async function boot(env: Record<string, string> = {}): Promise<TestApp> {
  t = await createTestApp(env);
  bus = busOf(t.app);
  return t;
}

afterEach(async () => {
  await t?.app.close();
  t = undefined;
});

const get = (path: string) => request(t!.app.getHttpServer()).get(path);
const invalid = (message: string) => ({ ok: false, error: { code: 'invalid_input', message } });

describe('GET /api/events', () => {
  it('is empty at first, with no cursor', async () => {
    await boot();
    const res = await get('/api/events').expect(200);
    expect(res.body).toEqual({ ok: true, count: 0, events: [], next_after: null });
  });

  it('stores every bus topic as the contract envelope, oldest first, with ids that sort in order', async () => {
    await boot();
    const at = new Date('2026-03-04T05:06:07.089Z');
    publishOneOfEach(bus, at);
    const res = await get('/api/events').expect(200);
    const events = res.body.events as { id: string }[];
    expect(res.body).toMatchObject({ ok: true, count: 7, next_after: events[6].id });
    expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort());
    for (const event of events) expect(event.id).toMatch(ID);
    const envelope = { session: 'default', timestamp: '2026-03-04T05:06:07.089Z' };
    expect(events.map(({ id: _id, ...rest }) => rest)).toEqual([
      { ...envelope, type: 'message.received', data: chatMessage(1) },
      {
        ...envelope,
        type: 'message.sent',
        data: { ...chatMessage(2, { from_me: true, from: '15550001111@c.us', to: CHAT }), source: 'phone' },
      },
      { ...envelope, type: 'message.ack', data: { id: 'm2', chat_id: CHAT, ack: 'read' } },
      { ...envelope, type: 'message.revoked', data: { id: 'm1', chat_id: CHAT } },
      { ...envelope, type: 'message.edited', data: { id: 'm2', chat_id: CHAT, body: 'edited text' } },
      { ...envelope, type: 'message.reaction', data: { id: 'm2', chat_id: CHAT, from: CHAT, reaction: '👍' } },
      { ...envelope, type: 'session.status', data: statusObject('ready') },
    ]);
  });

  it('keeps the session name and skips message_create reports of incoming messages', async () => {
    await boot();
    bus.publish(WhatsAppTopic.created, { message: chatMessage(1) });
    bus.publish(WhatsAppTopic.received, { message: chatMessage(1), session: 'work' });
    // /api/events is the default session's; another's are under its own path (once it exists).
    expect((await get('/api/events').expect(200)).body.events).toEqual([]);
    expect((await get('/api/sessions/work/events').expect(404)).body.error.code).toBe('session_not_found');
    t!.whatsapp.create('work');
    const res = await get('/api/sessions/work/events').expect(200);
    expect(res.body.events.map((e: { type: string; session: string }) => [e.type, e.session])).toEqual([['message.received', 'work']]);
  });

  it('pages with the after cursor and limit, and filters by types', async () => {
    await boot();
    publishOneOfEach(bus, new Date());
    const all = (await get('/api/events').expect(200)).body.events as { id: string; type: string }[];
    const ids = all.map((e) => e.id);

    const first = await get('/api/events?limit=2').expect(200);
    expect(first.body).toMatchObject({ count: 2, next_after: ids[1] });
    const second = await get(`/api/events?limit=2&after=${first.body.next_after}`).expect(200);
    expect(second.body.events.map((e: { id: string }) => e.id)).toEqual(ids.slice(2, 4));
    expect(second.body.next_after).toBe(ids[3]);

    const end = await get(`/api/events?after=${ids[6]}`).expect(200);
    expect(end.body).toEqual({ ok: true, count: 0, events: [], next_after: ids[6] });

    const typed = await get('/api/events?types=message.ack, message.revoked').expect(200);
    expect(typed.body.events.map((e: { type: string }) => e.type)).toEqual(['message.ack', 'message.revoked']);
    const repeated = await get('/api/events?types=session.status&types=message.received').expect(200);
    expect(repeated.body.events.map((e: { type: string }) => e.type)).toEqual(['message.received', 'session.status']);
    const afterTyped = await get(`/api/events?types=message.ack,session.status&after=${ids[2]}`).expect(200);
    expect(afterTyped.body.events.map((e: { type: string }) => e.type)).toEqual(['session.status']);
    const everything = await get('/api/events?types=&after=').expect(200);
    expect(everything.body.count).toBe(7);
  });

  it('takes limits from 1 to 1000 and refuses anything else', async () => {
    await boot();
    publishOneOfEach(bus, new Date());
    expect((await get('/api/events?limit=1').expect(200)).body.count).toBe(1);
    expect((await get('/api/events?limit=1000').expect(200)).body.count).toBe(7);
    for (const limit of ['0', '1001', '1.5', 'abc', '', '-1', '1e3']) {
      const res = await get(`/api/events?limit=${limit}`).expect(400);
      expect({ limit, body: res.body }).toEqual({ limit, body: invalid(LIMIT_RULE) });
    }
    expect((await get('/api/events?limit=1&limit=2').expect(400)).body).toEqual(invalid(LIMIT_RULE));
  });

  it('refuses unknown types and malformed cursors with a clear message', async () => {
    await boot();
    expect((await get('/api/events?types=message.received,message.deleted').expect(400)).body).toEqual(
      invalid(`types has unknown event type "message.deleted"; ${TYPES_RULE}`),
    );
    expect((await get('/api/events?types=a,b,c,d').expect(400)).body).toEqual(
      invalid(`types has unknown event types "a", "b", "c", ...; ${TYPES_RULE}`),
    );
    const long = 'x'.repeat(10_000);
    expect((await get(`/api/events?types=${long}`).expect(400)).body).toEqual(
      invalid(`types has unknown event type "${'x'.repeat(40)}"; ${TYPES_RULE}`),
    );
    for (const after of ['evt_123', 'nope', 'evt_01ARZ3NDEKTSV4RRFFQ69G5FAVX', 'evt_01arz3ndektsv4rrffq69g5fav', `evt_${'U'.repeat(26)}`]) {
      expect({ after, body: (await get(`/api/events?after=${after}`).expect(400)).body }).toEqual({ after, body: invalid(AFTER_RULE) });
    }
    expect((await get('/api/events?after=a&after=b').expect(400)).body).toEqual(invalid(AFTER_RULE));
    expect((await get('/api/events?after=%00').expect(400)).body).toEqual(invalid(AFTER_RULE));
  });

  it('needs the API key when one is set', async () => {
    await boot({ WHATSAPP_API_KEY: 'events-key-0123456789' });
    const res = await get('/api/events').expect(401);
    expect(res.body).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect((await get('/api/events/stream').expect(401)).body).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    await get('/api/events').set('X-Api-Key', 'events-key-0123456789').expect(200);
  });
});

describe('message.sent source', () => {
  const sent = (n: number, overrides = {}) => chatMessage(n, { from_me: true, from: '15550001111@c.us', to: CHAT, ...overrides });
  const sources = async () =>
    ((await get('/api/events?types=message.sent').expect(200)).body.events as { data: { id: string; source: string } }[]).map((e) => [
      e.data.id,
      e.data.source,
    ]);

  it('is api for a send reported before or after the client answered, phone for everything else', async () => {
    await boot();
    const registry = t!.app.get(SentMessageRegistry);
    // Reported while sendMessage is still running (the library's usual order).
    const early = registry.begin(CHAT, 'hello');
    bus.publish(WhatsAppTopic.created, { message: sent(1, { body: 'hello' }) });
    early.sent(sent(1).id);
    // Reported after the client answered.
    const late = registry.begin(CHAT, 'later');
    late.sent(sent(2).id);
    bus.publish(WhatsAppTopic.created, { message: sent(2, { body: 'later' }) });
    // The same text typed on the phone afterwards is the phone's.
    bus.publish(WhatsAppTopic.created, { message: sent(3, { body: 'hello' }) });
    // A failed send leaves nothing to match.
    registry.begin(CHAT, 'failed').failed();
    bus.publish(WhatsAppTopic.created, { message: sent(4, { body: 'failed' }) });
    // WhatsApp named the chat by another id (@lid): the text still matches the send in flight.
    const lid = registry.begin(CHAT, 'to a lid');
    bus.publish(WhatsAppTopic.created, { message: sent(5, { body: 'to a lid', chat_id: '99887766@lid' }) });
    lid.sent(sent(5).id);
    // Reported twice by the library: the same answer twice.
    bus.publish(WhatsAppTopic.created, { message: sent(1, { body: 'hello' }) });
    expect(await sources()).toEqual([
      [sent(1).id, 'api'],
      [sent(2).id, 'api'],
      [sent(3).id, 'phone'],
      [sent(4).id, 'phone'],
      [sent(5).id, 'api'],
      [sent(1).id, 'api'],
    ]);
  });

  it('prefers the send in flight to the same chat when two chats get the same text', async () => {
    await boot();
    const registry = t!.app.get(SentMessageRegistry);
    registry.begin('111@c.us', 'same');
    registry.begin(CHAT, 'same');
    bus.publish(WhatsAppTopic.created, { message: sent(1, { body: 'same' }) });
    bus.publish(WhatsAppTopic.created, { message: sent(2, { body: 'same', chat_id: '111@c.us' }) });
    bus.publish(WhatsAppTopic.created, { message: sent(3, { body: 'same' }) });
    expect(await sources()).toEqual([
      [sent(1).id, 'api'],
      [sent(2).id, 'api'],
      [sent(3).id, 'phone'],
    ]);
  });

  it('forgets a send that was never reported after ten minutes', async () => {
    await boot();
    const registry = t!.app.get(SentMessageRegistry);
    let now = 1_000_000;
    registry.now = () => now;
    registry.begin(CHAT, 'lost');
    now += 10 * 60_000 + 1;
    bus.publish(WhatsAppTopic.created, { message: sent(1, { body: 'lost' }) });
    expect(await sources()).toEqual([[sent(1).id, 'phone']]);
  });
});

describe('durability and retention', () => {
  it('keeps events across a restart and continues the ids after them, even when the clock went back', async () => {
    const dataDir = tempDir('wa-events-');
    await boot({ WHATSAPP_DATA_DIR: dataDir });
    bus.publish(WhatsAppTopic.received, { message: chatMessage(1) });
    const before = (await get('/api/events').expect(200)).body.events[0].id as string;
    await t!.app.close();
    await boot({ WHATSAPP_DATA_DIR: dataDir });
    t!.app.get(EventsService).now = () => Date.now() - 3_600_000;
    bus.publish(WhatsAppTopic.received, { message: chatMessage(2) });
    const ids = (await get('/api/events').expect(200)).body.events.map((e: { id: string }) => e.id);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(before);
    expect(ids[1] > before).toBe(true);
  });

  it('refuses a second server on the same data folder, naming the folder', async () => {
    const dataDir = tempDir('wa-events-');
    await boot({ WHATSAPP_DATA_DIR: dataDir });
    await expect(createTestApp({ WHATSAPP_DATA_DIR: dataDir })).rejects.toThrow(
      `the data folder ${dataDir} is in use by another server (pid ${process.pid})`,
    );
    expect((await get('/api/events').expect(200)).body.ok).toBe(true);
  });

  it('deletes events older than the retention on each pruning run and at boot', async () => {
    const dataDir = tempDir('wa-events-');
    await boot({ WHATSAPP_DATA_DIR: dataDir, WHATSAPP_EVENT_RETENTION_HOURS: '2' });
    const service = t!.app.get(EventsService);
    const hour = 3_600_000;
    const start = Date.now();
    let now = start - 3 * hour;
    service.now = () => now;
    bus.publish(WhatsAppTopic.received, { message: chatMessage(1) });
    now = start - hour;
    bus.publish(WhatsAppTopic.received, { message: chatMessage(2) });
    now = start;
    expect(service.prune()).toBe(1);
    expect((await get('/api/events').expect(200)).body.events.map((e: { data: { id: string } }) => e.data.id)).toEqual([chatMessage(2).id]);
    await t!.app.close();
    await boot({ WHATSAPP_DATA_DIR: dataDir, WHATSAPP_EVENT_RETENTION_HOURS: '1' });
    expect((await get('/api/events').expect(200)).body).toMatchObject({ count: 0 });
  });
});
