import { jest } from '@jest/globals';
import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import { createTestApp, type TestApp } from '../app-harness.js';
import { busOf, chatMessage, type Bus } from '../event-bus.js';
import { receiver, type Hit } from '../webhook-receiver.js';
import { WhatsAppTopic } from '../../src/whatsapp/whatsapp-events.js';

jest.setTimeout(30_000);

const SECRET = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
const invalid = (message: string) => ({ ok: false, error: { code: 'invalid_input', message } });
const headersOf = (hit: Hit) => ({
  'webhook-id': String(hit.headers['webhook-id']),
  'webhook-timestamp': String(hit.headers['webhook-timestamp']),
  'webhook-signature': String(hit.headers['webhook-signature']),
});

let t: TestApp | undefined;
let bus: Bus;
const cleanups: (() => Promise<void>)[] = [];

async function boot(env: Record<string, string> = {}): Promise<TestApp> {
  t = await createTestApp({ WHATSAPP_WEBHOOK_RETRY_MIN_MS: '20', WHATSAPP_WEBHOOK_RETRY_MAX_MS: '50', ...env });
  bus = busOf(t.app);
  return t;
}

afterEach(async () => {
  await t?.app.close();
  t = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const http = () => request(t!.app.getHttpServer());

/** Polls the deliveries route (a delivery's state changes with no event to await) until `accept`, throwing with what it saw. */
async function deliveriesUntil(
  id: string,
  accept: (deliveries: { status: string }[]) => boolean,
): Promise<{ status: string; attempts: number }[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { body } = await http().get(`/api/webhooks/${id}/deliveries`).expect(200);
    if (accept(body.deliveries)) return body.deliveries;
    if (Date.now() > deadline) throw new Error(`waited for the deliveries of ${id}; saw ${JSON.stringify(body.deliveries)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the environment webhook', () => {
  it('receives an incoming message as a signed Standard Webhooks request', async () => {
    const r = await receiver((_hit, _n, res) => res.writeHead(204).end());
    cleanups.push(r.close);
    await boot({ WHATSAPP_WEBHOOK_URL: r.url, WHATSAPP_WEBHOOK_SECRET: SECRET, WHATSAPP_WEBHOOK_EVENTS: 'message.received' });
    bus.publish(WhatsAppTopic.ack, { id: 'm1', chat_id: 'c', ack: 'read' });
    bus.publish(WhatsAppTopic.received, { message: chatMessage(1) });
    await r.reach(1);

    const { body: events } = await http().get('/api/events?types=message.received').expect(200);
    const [hit] = r.hits;
    expect(new Webhook(SECRET).verify(hit.body, headersOf(hit))).toEqual(events.events[0]);
    expect(hit.headers['webhook-id']).toBe(events.events[0].id);
    const deliveries = await deliveriesUntil('env', (d) => d.length === 1 && d[0].status === 'delivered');
    expect(deliveries[0]).toEqual({
      id: expect.stringMatching(/^dlv_/),
      webhook_id: 'env',
      event_id: events.events[0].id,
      event_type: 'message.received',
      status: 'delivered',
      attempts: 1,
      last_status_code: 204,
      last_error: null,
      next_attempt_at: null,
      delivered_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('cannot be deleted or changed through the API, only disabled', async () => {
    await boot({ WHATSAPP_WEBHOOK_URL: 'http://127.0.0.1:9/none', WHATSAPP_WEBHOOK_SECRET: SECRET });
    await http()
      .delete('/api/webhooks/env')
      .expect(409, {
        ok: false,
        error: { code: 'webhook_read_only', message: 'The webhook "env" comes from WHATSAPP_WEBHOOK_URL: unset it to remove the webhook.' },
      });
    const res = await http()
      .patch('/api/webhooks/env')
      .send({ events: ['message.ack'] })
      .expect(409);
    expect(res.body.error.code).toBe('webhook_read_only');
    const off = await http().patch('/api/webhooks/env').send({ enabled: false }).expect(200);
    expect(off.body.webhook).toEqual(expect.objectContaining({ id: 'env', enabled: false, disabled_reason: 'Disabled through the API' }));
    await http().get('/api/webhooks/env/secret').expect(200, { ok: true, secret: SECRET });
  });
});

describe('/api/webhooks', () => {
  it('creates, lists, reads, updates and deletes a webhook; the secret only on creation and its route', async () => {
    await boot();
    const created = await http()
      .post('/api/webhooks')
      .send({ url: 'http://127.0.0.1:9/a', events: ['message.received', 'message.ack'], description: 'CRM' })
      .expect(201);
    const webhook = created.body.webhook;
    expect(created.body).toEqual({
      ok: true,
      webhook: {
        id: expect.stringMatching(/^wh_[0-9a-z]{26}$/),
        url: 'http://127.0.0.1:9/a',
        events: ['message.received', 'message.ack'],
        sessions: ['*'],
        description: 'CRM',
        enabled: true,
        disabled_reason: null,
        created_at: expect.stringMatching(/^\d{4}-/),
        secret: expect.stringMatching(/^whsec_/),
      },
    });
    const { secret, ...shown } = webhook;
    await http()
      .get('/api/webhooks')
      .expect(200, { ok: true, webhooks: [shown] });
    await http().get(`/api/webhooks/${webhook.id}`).expect(200, { ok: true, webhook: shown });
    await http().get(`/api/webhooks/${webhook.id}/secret`).expect(200, { ok: true, secret });
    const patched = await http()
      .patch(`/api/webhooks/${webhook.id}`)
      .send({ events: ['*'], description: null })
      .expect(200);
    expect(patched.body.webhook).toEqual({ ...shown, events: ['*'], description: null });
    await http().delete(`/api/webhooks/${webhook.id}`).expect(200, { ok: true });
    await http()
      .get(`/api/webhooks/${webhook.id}`)
      .expect(404, {
        ok: false,
        error: { code: 'not_found', message: `No webhook with id "${webhook.id}". GET /api/webhooks lists them.` },
      });
  });

  it.each([
    [{}, 'url must be an http:// or https:// URL without user or password, at most 2048 characters'],
    [{ url: 'ftp://x.invalid/' }, 'url must be an http:// or https:// URL without user or password, at most 2048 characters'],
    [{ url: 'http://u:p@x.invalid/' }, 'url must be an http:// or https:// URL without user or password, at most 2048 characters'],
    [
      { url: `http://x.invalid/${'a'.repeat(2048)}` },
      'url must be an http:// or https:// URL without user or password, at most 2048 characters',
    ],
    [{ url: ['http://x.invalid/'] }, 'url must be an http:// or https:// URL without user or password, at most 2048 characters'],
    [
      { url: 'http://x.invalid/', events: [] },
      'events must be a non-empty array of event types (message.received, message.sent, message.ack, message.revoked, message.edited, message.reaction, session.status, outbox.failed, webhook.test) or ["*"]',
    ],
    [
      { url: 'http://x.invalid/', events: 'message.received' },
      'events must be a non-empty array of event types (message.received, message.sent, message.ack, message.revoked, message.edited, message.reaction, session.status, outbox.failed, webhook.test) or ["*"]',
    ],
    [
      { url: 'http://x.invalid/', events: ['message.deleted'] },
      'events must be a non-empty array of event types (message.received, message.sent, message.ack, message.revoked, message.edited, message.reaction, session.status, outbox.failed, webhook.test) or ["*"]',
    ],
    [{ url: 'http://x.invalid/', description: 'x'.repeat(501) }, 'description must be a string of at most 500 characters'],
    [{ url: 'http://x.invalid/', description: 5 }, 'description must be a string of at most 500 characters'],
  ])('refuses %j', async (body, message) => {
    await boot();
    await http().post('/api/webhooks').send(body).expect(400, invalid(message));
    await http().get('/api/webhooks').expect(200, { ok: true, webhooks: [] });
  });

  it('refuses a bad patch, a bad deliveries query, and unknown ids on every route', async () => {
    await boot();
    const { body } = await http().post('/api/webhooks').send({ url: 'http://127.0.0.1:9/a' }).expect(201);
    const id = body.webhook.id as string;
    await http().patch(`/api/webhooks/${id}`).send({ enabled: 'yes' }).expect(400, invalid('enabled must be true or false'));
    await http().get(`/api/webhooks/${id}/deliveries?status=lost`).expect(400, invalid('status must be one of pending, delivered, failed'));
    await http().get(`/api/webhooks/${id}/deliveries?limit=101`).expect(400, invalid('limit must be an integer between 1 and 100'));
    const notFound = { ok: false, error: { code: 'not_found', message: 'No webhook with id "wh_nope". GET /api/webhooks lists them.' } };
    await http().get('/api/webhooks/wh_nope').expect(404, notFound);
    await http().patch('/api/webhooks/wh_nope').send({ enabled: true }).expect(404, notFound);
    await http().delete('/api/webhooks/wh_nope').expect(404, notFound);
    await http().get('/api/webhooks/wh_nope/secret').expect(404, notFound);
    await http().post('/api/webhooks/wh_nope/test').expect(404, notFound);
    await http().get('/api/webhooks/wh_nope/deliveries').expect(404, notFound);
    await http().post('/api/webhooks/wh_nope/deliveries/dlv_x/retry').expect(404, notFound);
    await http()
      .post(`/api/webhooks/${id}/deliveries/dlv_x/retry`)
      .expect(404, { ok: false, error: { code: 'not_found', message: `Webhook ${id} has no delivery dlv_x.` } });
  });

  it("a webhook may name the sessions it wants; every other session's events pass it by", async () => {
    const sales = await receiver((_hit, _n, res) => res.writeHead(204).end());
    const all = await receiver((_hit, _n, res) => res.writeHead(204).end());
    cleanups.push(sales.close, all.close);
    await boot();
    const created = await http()
      .post('/api/webhooks')
      .send({ url: sales.url, events: ['message.received'], sessions: ['sales', 'sales'] })
      .expect(201);
    expect(created.body.webhook).toMatchObject({ events: ['message.received'], sessions: ['sales'] });
    const other = await http()
      .post('/api/webhooks')
      .send({ url: all.url, events: ['message.received'] })
      .expect(201);
    expect(other.body.webhook.sessions).toEqual(['*']);
    for (const sessions of [[], ['Bad Name'], 'sales', ['*', 7]]) {
      const res = await http().post('/api/webhooks').send({ url: sales.url, sessions }).expect(400);
      expect(res.body.error.message).toContain('sessions must be a non-empty array of session names');
    }
    bus.publish(WhatsAppTopic.received, { message: chatMessage(1) });
    bus.publish(WhatsAppTopic.received, { message: chatMessage(2), session: 'sales' });
    await all.reach(2);
    await sales.reach(1);
    expect(sales.hits.map((hit) => JSON.parse(hit.body).session)).toEqual(['sales']);
    expect(all.hits.map((hit) => JSON.parse(hit.body).session).sort()).toEqual(['default', 'sales']);
    const patched = await http()
      .patch(`/api/webhooks/${created.body.webhook.id}`)
      .send({ sessions: ['*'] })
      .expect(200);
    expect(patched.body.webhook.sessions).toEqual(['*']);
  });

  it('a test event reaches only that webhook; a 400 fails at once and can be retried by hand', async () => {
    const r = await receiver((_hit, n, res) => res.writeHead(n === 1 ? 400 : 200).end());
    cleanups.push(r.close);
    await boot();
    const { body } = await http()
      .post('/api/webhooks')
      .send({ url: r.url, events: ['message.ack'] })
      .expect(201);
    const id = body.webhook.id as string;
    const test = await http().post(`/api/webhooks/${id}/test`).expect(202);
    expect(test.body).toEqual({
      ok: true,
      delivery: expect.objectContaining({ event_type: 'webhook.test', status: 'pending', attempts: 0 }),
    });
    await r.reach(1);
    expect(JSON.parse(r.hits[0].body)).toEqual(expect.objectContaining({ type: 'webhook.test', data: { webhook_id: id } }));
    // Stored in the event log like every event, under the id the receiver got.
    const logged = await http().get('/api/events?types=webhook.test').expect(200);
    expect(logged.body.events.map((e: { id: string }) => e.id)).toEqual([r.hits[0].headers['webhook-id']]);
    const [failed] = await deliveriesUntil(id, (d) => d[0]?.status === 'failed');
    expect(failed).toEqual(
      expect.objectContaining({
        status: 'failed',
        attempts: 1,
        last_status_code: 400,
        last_error: 'The receiver answered 400; not retried',
      }),
    );
    await http().get(`/api/webhooks/${id}/deliveries?status=pending`).expect(200, { ok: true, deliveries: [] });

    const retried = await http().post(`/api/webhooks/${id}/deliveries/${test.body.delivery.id}/retry`).expect(202);
    expect(retried.body.delivery).toEqual(expect.objectContaining({ status: 'pending', attempts: 0 }));
    await r.reach(2);
    expect(r.hits[1].headers['webhook-id']).toBe(r.hits[0].headers['webhook-id']);
    await deliveriesUntil(id, (d) => d[0]?.status === 'delivered');
    await http()
      .post(`/api/webhooks/${id}/deliveries/${test.body.delivery.id}/retry`)
      .expect(409, {
        ok: false,
        error: {
          code: 'delivery_not_failed',
          message: `Delivery ${test.body.delivery.id} is delivered; only a failed delivery can be retried.`,
        },
      });
  });

  it('410 disables the webhook, with the reason', async () => {
    const r = await receiver((_hit, _n, res) => res.writeHead(410).end());
    cleanups.push(r.close);
    await boot();
    const { body } = await http().post('/api/webhooks').send({ url: r.url }).expect(201);
    bus.publish(WhatsAppTopic.received, { message: chatMessage(1) });
    await deliveriesUntil(body.webhook.id, (d) => d[0]?.status === 'failed');
    const res = await http().get(`/api/webhooks/${body.webhook.id}`).expect(200);
    expect(res.body.webhook).toEqual(
      expect.objectContaining({ enabled: false, disabled_reason: expect.stringMatching(/^The receiver answered 410 Gone on /) }),
    );
  });
});
