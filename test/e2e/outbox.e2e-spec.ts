import { join } from 'node:path';
import Database from 'better-sqlite3';
import { EventEmitter2 } from '@nestjs/event-emitter';
import request from 'supertest';
import { migrate } from '../../src/database/migrations.js';
import { type OutboxEventPayloads, OutboxTopic } from '../../src/outbox/outbox-item.js';
import { createTestApp, type TestApp } from '../app-harness.js';
import { collect } from '../outbox-setup.js';
import { tempDir } from '../temp-dirs.js';

type Sent = OutboxEventPayloads['outbox.sent'];
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const ISO = /^\d{4}-\d\d-\d\dT[\d:.]+Z$/;

let t: TestApp;
let db: Database.Database;
let dataDir: string;
let http: ReturnType<typeof request>;
let bus: EventEmitter2;

async function boot(env: Record<string, string> = {}) {
  t = await createTestApp({ WHATSAPP_DATA_DIR: dataDir, ...env });
  http = request(t.app.getHttpServer());
  bus = t.app.get(EventEmitter2);
}

beforeEach(() => {
  // The app's own database, also opened here (WAL lets both read and write) to look inside and to
  // set up rows before a boot.
  dataDir = tempDir('wa-data-');
  db = new Database(join(dataDir, 'whatsapp.db'));
  migrate(db);
});

afterEach(async () => {
  await t.app.close();
  db.close();
});

const enqueue = (phone: string, message: string) => http.post('/api/outbox').send({ phone_number: phone, message });

describe('POST /api/outbox', () => {
  it('answers 202 with the stored item, queued while the session is stopped', async () => {
    await boot();
    const res = await enqueue('+1 555 000 0001', 'hello').expect(202);
    expect(res.body).toEqual({
      ok: true,
      item: {
        id: expect.stringMatching(ULID),
        to: '15550000001',
        state: 'queued',
        message_id: null,
        error: null,
        created_at: expect.stringMatching(ISO),
        updated_at: expect.stringMatching(ISO),
      },
    });
    expect(db.prepare('SELECT id, recipient, message, state FROM outbox_items').all()).toEqual([
      { id: res.body.item.id, recipient: '15550000001', message: 'hello', state: 'queued' },
    ]);
    expect((await http.get(`/api/outbox/${res.body.item.id}`).expect(200)).body).toEqual(res.body);
    expect(t.fake.sent).toEqual([]);
  });

  it('100 items queued while stopped are all sent once ready, in order per recipient, none twice', async () => {
    await boot({ WHATSAPP_SEND_LIMIT: '0', WHATSAPP_RECIPIENT_LIMIT: '0' });
    const recipients = ['15550000001', '15550000002', '15550000003', '15550000004', '15550000005'];
    for (let n = 0; n < 100; n++) await enqueue(recipients[n % 5], `message ${n}`).expect(202);
    expect(t.fake.sent).toEqual([]);
    const sent = collect<Sent>(bus, OutboxTopic.sent, 100, 10_000);
    await t.pair();
    const events = await sent;
    expect(t.fake.sent).toHaveLength(100);
    expect(new Set(t.fake.sent.map((s) => s.text)).size).toBe(100);
    for (const [r, to] of recipients.entries()) {
      const expected = Array.from({ length: 20 }, (_, i) => `message ${i * 5 + r}`);
      expect(t.fake.sent.filter((s) => s.chatId === `${to}@c.us`).map((s) => s.text)).toEqual(expected);
    }
    expect(events.every((e) => e.item.state === 'sent' && e.queued_ms >= 0 && e.session === 'default')).toBe(true);
    const listed = await http.get('/api/outbox?state=sent&limit=500').expect(200);
    expect(listed.body.count).toBe(100);
    expect(new Set(listed.body.items.map((i: { message_id: string }) => i.message_id)).size).toBe(100);
    expect((await http.get('/api/outbox?state=queued').expect(200)).body).toEqual({ ok: true, count: 0, items: [] });
  });

  it('with a limit of 20 per window the items pace instead of failing', async () => {
    await boot({ WHATSAPP_SEND_LIMIT: '20', WHATSAPP_SEND_WINDOW_MS: '1000', WHATSAPP_RECIPIENT_LIMIT: '0' });
    await t.pair();
    const sent = collect<Sent>(bus, OutboxTopic.sent, 45, 10_000);
    for (let n = 0; n < 45; n++) await enqueue(`1555000${String(n % 9).padStart(4, '0')}`, `paced ${n}`).expect(202);
    const times = (await sent).map((e) => e.at.getTime());
    expect(t.fake.sent).toHaveLength(45);
    // Three windows: the 21st and 41st sends waited for the next ones.
    expect(times[20] - times[0]).toBeGreaterThanOrEqual(900);
    expect(times[40] - times[0]).toBeGreaterThanOrEqual(1900);
    expect((await http.get('/api/outbox?state=failed').expect(200)).body.count).toBe(0);
    // Waiting for a slot, not refused and retried.
    expect(db.prepare('SELECT MAX(attempts) AS most FROM outbox_items').get()).toEqual({ most: 0 });
  });

  it('a number not on WhatsApp ends failed with the error, published as outbox.failed', async () => {
    await boot();
    await t.pair();
    t.fake.unregistered.add('15550000009');
    const failed = collect<OutboxEventPayloads['outbox.failed']>(bus, OutboxTopic.failed, 1, 2000);
    const { body } = await enqueue('15550000009', 'hi').expect(202);
    const [event] = await failed;
    const error = { code: 'not_on_whatsapp', message: '15550000009 is not on WhatsApp; nothing was sent.' };
    expect(event.item).toMatchObject({ id: body.item.id, state: 'failed', error });
    expect((await http.get(`/api/outbox/${body.item.id}`).expect(200)).body.item).toMatchObject({
      state: 'failed',
      error,
      message_id: null,
    });
    expect(t.fake.sent).toEqual([]);
  });

  it('a send that fails inside WhatsApp Web ends unknown and is not tried again', async () => {
    await boot();
    await t.pair();
    t.fake.failSends = true;
    const unknown = collect<OutboxEventPayloads['outbox.unknown']>(bus, OutboxTopic.unknown, 1, 2000);
    await enqueue('15550000001', 'hi').expect(202);
    const [event] = await unknown;
    expect(event.item).toMatchObject({
      state: 'unknown',
      error: { code: 'whatsapp_error', message: 'WhatsApp Web failed to send the message: Evaluation failed: send failed' },
    });
    t.fake.failSends = false;
    const next = collect<Sent>(bus, OutboxTopic.sent, 1, 2000);
    await enqueue('15550000001', 'second').expect(202);
    await next;
    expect(t.fake.sent).toEqual([{ chatId: '15550000001@c.us', text: 'second' }]);
  });

  it('an item found sending at boot becomes unknown and is not sent; queued ones are', async () => {
    const insert = db.prepare(
      "INSERT INTO outbox_items (id, session, recipient, message, state, created_at, updated_at) VALUES (?, 'default', '15550000001', ?, ?, 1, 1)",
    );
    insert.run('01AAAAAAAAAAAAAAAAAAAAAAA1', 'was sending', 'sending');
    insert.run('01AAAAAAAAAAAAAAAAAAAAAAA2', 'was queued', 'queued');
    await boot();
    const unknown = await http.get('/api/outbox/01AAAAAAAAAAAAAAAAAAAAAAA1').expect(200);
    expect(unknown.body.item).toMatchObject({ state: 'unknown', message_id: null, error: null });
    const sent = collect<Sent>(bus, OutboxTopic.sent, 1, 2000);
    await t.pair();
    expect((await sent)[0].item.id).toBe('01AAAAAAAAAAAAAAAAAAAAAAA2');
    expect(t.fake.sent).toEqual([{ chatId: '15550000001@c.us', text: 'was queued' }]);
    expect((await http.get('/api/outbox/01AAAAAAAAAAAAAAAAAAAAAAA1').expect(200)).body.item.state).toBe('unknown');
  });

  it('an Idempotency-Key makes one item of two requests', async () => {
    await boot();
    const first = await http
      .post('/api/outbox')
      .set('Idempotency-Key', 'o-1')
      .send({ phone_number: '15550000001', message: 'once' })
      .expect(202);
    const again = await http
      .post('/api/outbox')
      .set('Idempotency-Key', 'o-1')
      .send({ phone_number: '15550000001', message: 'once' })
      .expect(202);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await http.get('/api/outbox').expect(200)).body.count).toBe(1);
  });
});

describe('across a restart', () => {
  it('queued items stay in the database and go out after the server comes back', async () => {
    await boot();
    for (let n = 0; n < 3; n++) await enqueue('15550000001', `kept ${n}`).expect(202);
    await t.app.close();
    await boot();
    const sent = collect<Sent>(bus, OutboxTopic.sent, 3, 2000);
    await t.pair();
    await sent;
    expect(t.fake.sent.map((s) => s.text)).toEqual(['kept 0', 'kept 1', 'kept 2']);
  });
});

describe('OpenAPI', () => {
  it('documents the outbox routes, the 202 answer, the Idempotency-Key header and the refusals', async () => {
    await boot();
    const { body: doc } = await http.get('/openapi.json').expect(200);
    expect(Object.keys(doc.paths['/api/outbox']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/api/outbox/{id}']).sort()).toEqual(['delete', 'get']);
    const post = doc.paths['/api/outbox'].post;
    expect(Object.keys(post.responses).sort()).toEqual(['202', '400', '401', '403', '409', '413', '422', '500']);
    expect(post.parameters).toEqual([expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false })]);
    expect(Object.keys(doc.paths['/api/outbox/{id}'].delete.responses['409'].content['application/json'].examples)).toEqual([
      'outbox_not_cancellable',
    ]);
    expect(doc.paths['/api/send'].post.parameters).toEqual([expect.objectContaining({ name: 'Idempotency-Key', in: 'header' })]);
  });
});

describe('DELETE /api/outbox/{id}', () => {
  it('cancels a queued item (failed, error cancelled), which is then never sent; again is 409', async () => {
    await boot();
    const { body } = await enqueue('15550000001', 'cancel me').expect(202);
    const cancelled = await http.delete(`/api/outbox/${body.item.id}`).expect(200);
    expect(cancelled.body).toEqual({
      ok: true,
      item: {
        ...body.item,
        state: 'failed',
        error: { code: 'cancelled', message: 'Cancelled before it was sent.' },
        updated_at: expect.stringMatching(ISO),
      },
    });
    const again = await http.delete(`/api/outbox/${body.item.id}`).expect(409);
    expect(again.body).toEqual({
      ok: false,
      error: {
        code: 'outbox_not_cancellable',
        message: `Outbox item ${body.item.id} is failed; only a queued item can be cancelled.`,
        state: 'failed',
      },
    });
    const sent = collect<Sent>(bus, OutboxTopic.sent, 1, 2000);
    await enqueue('15550000001', 'after').expect(202);
    await t.pair();
    await sent;
    expect(t.fake.sent).toEqual([{ chatId: '15550000001@c.us', text: 'after' }]);
  });

  it('a sent item is 409 with its state', async () => {
    await boot();
    await t.pair();
    const sent = collect<Sent>(bus, OutboxTopic.sent, 1, 2000);
    const { body } = await enqueue('15550000001', 'hi').expect(202);
    await sent;
    const res = await http.delete(`/api/outbox/${body.item.id}`).expect(409);
    expect(res.body).toEqual({
      ok: false,
      error: {
        code: 'outbox_not_cancellable',
        message: `Outbox item ${body.item.id} is sent; only a queued item can be cancelled.`,
        state: 'sent',
      },
    });
  });

  it.each(['delete', 'get'] as const)('%s of an unknown id is 404 not_found', async (method) => {
    await boot();
    const res = await http[method]('/api/outbox/nope').expect(404);
    expect(res.body).toEqual({ ok: false, error: { code: 'not_found', message: 'There is no outbox item nope.' } });
  });
});

describe('refusals', () => {
  it.each([
    ['a bad number', { phone_number: '12', message: 'x' }, 'phone_number must include country code and contain 8-15 digits'],
    ['a blank message', { phone_number: '15550000001', message: '  ' }, 'message must be a non-empty string'],
  ])('POST with %s is 400 and stores nothing', async (_what, body, message) => {
    await boot();
    const res = await http.post('/api/outbox').send(body).expect(400);
    expect(res.body).toEqual({ ok: false, error: { code: 'invalid_input', message } });
    expect(db.prepare('SELECT COUNT(*) AS n FROM outbox_items').get()).toEqual({ n: 0 });
  });

  it.each([
    ['state=bogus', 'state must be one of queued, sending, sent, failed, unknown'],
    ['state=queued&state=sent', 'state must be one of queued, sending, sent, failed, unknown'],
    ['limit=0', 'limit must be an integer between 1 and 500'],
  ])('GET ?%s is 400', async (query, message) => {
    await boot();
    const res = await http.get(`/api/outbox?${query}`).expect(400);
    expect(res.body).toEqual({ ok: false, error: { code: 'invalid_input', message } });
  });
});
