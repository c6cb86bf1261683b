import { firstValueFrom, filter, timeout } from 'rxjs';
import request from 'supertest';
import { createTestApp, type TestApp } from '../app-harness.js';
import { busOf, chatMessage, publishOneOfEach, type Bus } from '../event-bus.js';
import { SseClient } from '../sse-client.js';
import { EventStreamService } from '../../src/events/event-stream.service.js';
import { WhatsAppTopic } from '../../src/whatsapp/whatsapp-events.js';

let t: TestApp | undefined;
let bus: Bus;
let base: string;
const clients: SseClient[] = [];

async function boot(env: Record<string, string> = {}): Promise<void> {
  t = await createTestApp(env);
  bus = busOf(t.app);
  await t.app.listen(0, '127.0.0.1');
  base = await t.app.getUrl();
}

async function open(path: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const client = await SseClient.open(`${base}${path}`, headers);
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await t?.app.close();
  t = undefined;
});

const storedIds = async (query = ''): Promise<string[]> =>
  ((await request(t!.app.getHttpServer()).get(`/api/events?limit=1000${query}`).expect(200)).body.events as { id: string }[]).map(
    (e) => e.id,
  );
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('GET /api/events/stream', () => {
  it('answers an event stream that starts with a retry field and sends stored, then live events', async () => {
    await boot();
    publishOneOfEach(bus, new Date());
    const client = await open('/api/events/stream');
    expect(client.res.statusCode).toBe(200);
    expect(client.res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(client.res.headers['cache-control']).toBe('no-cache, no-transform');
    await client.waitUntil('7 stored events', () => client.events.length === 7);
    expect(client.frames[0]).toEqual({ retry: '3000' });
    const stored = (await request(t!.app.getHttpServer()).get('/api/events').expect(200)).body.events as { id: string; type: string }[];
    expect(client.events).toEqual(stored.map((event) => ({ id: event.id, event: event.type, data: JSON.stringify(event) })));
    bus.publish(WhatsAppTopic.received, { message: chatMessage(9, { body: 'line one\nline two' }) });
    await client.waitUntil('the live event', () => client.events.length === 8);
    expect(JSON.parse(client.events[7].data!)).toMatchObject({ type: 'message.received', data: { body: 'line one\nline two' } });
  });

  it('resumes after Last-Event-ID (which wins over ?after=) with no gap and no duplicate', async () => {
    await boot();
    publishOneOfEach(bus, new Date());
    const ids = await storedIds();
    const client = await open(`/api/events/stream?after=${ids[4]}`, { 'Last-Event-ID': ids[1] });
    await client.waitUntil('the 5 events after the second', () => client.events.length === 5);
    bus.publish(WhatsAppTopic.ack, { id: 'm', chat_id: 'c', ack: 'device' });
    await client.waitUntil('one live event', () => client.events.length === 6);
    expect(client.events.map((f) => f.id)).toEqual((await storedIds()).slice(2));
    const fromAfter = await open(`/api/events/stream?after=${ids[4]}`);
    await fromAfter.waitUntil('3 events', () => fromAfter.events.length === 3);
    expect(fromAfter.events.map((f) => f.id)).toEqual((await storedIds()).slice(5));
  });

  it('replays more than a page while events keep coming, each exactly once and in order', async () => {
    await boot();
    // 6 MB: more than the socket buffers hold, so the replay is still running while the client holds back.
    const body = 'y'.repeat(5_000);
    for (let n = 0; n < 1_200; n++) bus.publish(WhatsAppTopic.received, { message: chatMessage(n, { body }) });
    const client = await open('/api/events/stream');
    client.res.pause();
    for (let n = 0; n < 100; n++) {
      bus.publish(WhatsAppTopic.received, { message: chatMessage(2_000 + n) });
      if (n % 10 === 0) await nextTurn();
    }
    client.res.resume();
    await client.waitUntil('1,300 events', () => client.events.length >= 1_300, 10_000);
    const all = await storedIds('');
    const rest = await storedIds(`&after=${all.at(-1)}`);
    expect(client.events.map((f) => f.id)).toEqual([...all, ...rest]);
  });

  it('filters by types, stored and live', async () => {
    await boot();
    publishOneOfEach(bus, new Date());
    const client = await open('/api/events/stream?types=message.ack,session.status');
    await client.waitUntil('2 stored events', () => client.events.length === 2);
    bus.publish(WhatsAppTopic.received, { message: chatMessage(5) });
    bus.publish(WhatsAppTopic.ack, { id: 'm', chat_id: 'c', ack: 'played' });
    await client.waitUntil('the live ack', () => client.events.length === 3);
    expect(client.events.map((f) => f.event)).toEqual(['message.ack', 'session.status', 'message.ack']);
  });

  it('sends a keep-alive comment every WHATSAPP_EVENT_STREAM_KEEPALIVE_MS', async () => {
    await boot({ WHATSAPP_EVENT_STREAM_KEEPALIVE_MS: '100' });
    const client = await open('/api/events/stream');
    await client.waitUntil('two keep-alives', () => client.frames.filter((f) => f.comment === 'keep-alive').length >= 2, 2_000);
  });

  it('refuses a malformed Last-Event-ID, after or types with 400 and the usual body', async () => {
    await boot();
    const cases: [string, Record<string, string>, string][] = [
      [
        '/api/events/stream',
        { 'Last-Event-ID': 'evt_nope' },
        'Last-Event-ID must be an event id (evt_ followed by 26 characters of a ULID)',
      ],
      ['/api/events/stream?after=42', {}, 'after must be an event id (evt_ followed by 26 characters of a ULID)'],
      ['/api/events/stream?types=message.lost', {}, 'types has unknown event type "message.lost"; types must be a comma-separated list'],
    ];
    for (const [path, headers, message] of cases) {
      const client = await open(path, headers);
      expect({ path, status: client.res.statusCode }).toEqual({ path, status: 400 });
      const body = (await client.json()) as { ok: boolean; error: { code: string; message: string } };
      expect({ ok: body.ok, code: body.error.code }).toEqual({ ok: false, code: 'invalid_input' });
      expect(body.error.message.startsWith(message)).toBe(true);
    }
  });

  it('drops a client that does not read, while a reading client gets every event', async () => {
    // Dropped after four periods without a byte taken: 1.2 s, long enough for a reader on a busy machine.
    await boot({ WHATSAPP_EVENT_STREAM_KEEPALIVE_MS: '300' });
    const streams = t!.app.get(EventStreamService);
    const reader = await open('/api/events/stream');
    const stalled = await open('/api/events/stream');
    stalled.res.pause();
    const dropped = firstValueFrom(
      streams.closed$.pipe(
        filter((reason) => reason === 'dropped'),
        timeout(15_000),
      ),
    );
    const body = 'x'.repeat(60_000);
    for (let n = 0; n < 150; n++) {
      bus.publish(WhatsAppTopic.received, { message: chatMessage(n, { body }) });
      await nextTurn();
    }
    await expect(dropped).resolves.toBe('dropped');
    expect(streams.size).toBe(1);
    expect(reader.isEnded).toBe(false);
    await reader.waitUntil('all 150 events', () => reader.events.length === 150, 10_000);
    stalled.res.resume();
    await stalled.waitUntil('the dropped stream to end', () => stalled.isEnded, 10_000);
    expect(stalled.events.length).toBeLessThan(150);
  });

  it('answers HEAD with the stream headers and no stream held open', async () => {
    await boot();
    const res = await request(t!.app.getHttpServer()).head('/api/events/stream').expect(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(t!.app.get(EventStreamService).size).toBe(0);
  });

  it('ends open streams when the server shuts down', async () => {
    await boot();
    const client = await open('/api/events/stream');
    await client.waitUntil('the retry field', () => client.frames.length === 1);
    await t!.app.close();
    t = undefined;
    await client.waitUntil('the end of the stream', () => client.isEnded);
  });
});
