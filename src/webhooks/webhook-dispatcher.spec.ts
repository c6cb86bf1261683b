import { jest } from '@jest/globals';
import Database from 'better-sqlite3';
import { Webhook } from 'standardwebhooks';
import { LANE_WIDTH, WebhookDispatcher, type DispatcherSettings } from './webhook-dispatcher.js';
import { migrate } from '../database/migrations.js';
import type { SqliteConnection } from '../database/sqlite-connection.js';
import { SqliteWebhooksRepository } from './sqlite-webhooks.repository.js';
import type { EventEnvelope, WebhookRecord } from './webhook.types.js';
import { closedPort, receiver } from '../../test/webhook-receiver.js';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const settings: DispatcherSettings = { minMs: 10, maxMs: 40, maxAttempts: 5, timeoutMs: 5_000 };

function setup(db = new Database(':memory:'), dispatcherSettings = settings) {
  migrate(db);
  const repository = new SqliteWebhooksRepository({ db } as SqliteConnection);
  const outcomes: string[] = [];
  const dispatcher = new WebhookDispatcher(repository, dispatcherSettings, { onAttempt: (outcome) => outcomes.push(outcome) });
  let n = 0;
  const addWebhook = (url: string, id = `wh_${++n}`): WebhookRecord => {
    const webhook = {
      id,
      url,
      events: ['*'],
      sessions: ['*'],
      description: null,
      secret: SECRET,
      enabled: true,
      disabled_reason: null,
      created_at: new Date().toISOString(),
    };
    repository.create(webhook);
    return webhook;
  };
  let e = 0;
  const publish = (webhookId: string, count = 1): EventEnvelope[] =>
    Array.from({ length: count }, () => {
      const event = {
        id: `evt_${String(++e).padStart(6, '0')}`,
        type: 'message.received',
        session: 'default',
        timestamp: new Date().toISOString(),
        data: { body: `hello ${e}` },
      };
      repository.enqueue(event, [webhookId], Date.now(), () => `dlv_${event.id}_${webhookId}`);
      dispatcher.pump(webhookId);
      return event;
    });
  /** Polls the repository (no event exists for "a row changed") until `accept`, throwing with what it saw. */
  const until = async (what: string, accept: () => boolean, seen: () => unknown): Promise<void> => {
    const deadline = Date.now() + 30_000;
    while (!accept()) {
      if (Date.now() > deadline) throw new Error(`waited for ${what}; saw ${JSON.stringify(seen())}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  return { db, repository, dispatcher, addWebhook, publish, outcomes, until };
}

jest.setTimeout(60_000);

describe('WebhookDispatcher', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('signs with Standard Webhooks and retries 503 twice, delivering on the third attempt with the same webhook-id', async () => {
    const r = await receiver((_hit, n, res) => res.writeHead(n <= 2 ? 503 : 200).end());
    const t = setup();
    cleanups.push(() => t.dispatcher.close(), r.close);
    const webhook = t.addWebhook(r.url);
    const [event] = t.publish(webhook.id);
    await r.reach(3);
    await t.until(
      'delivered',
      () => t.repository.deliveries(webhook.id, 'delivered', 10).length === 1,
      () => t.repository.deliveries(webhook.id, null, 10),
    );

    expect(r.hits.map((hit) => hit.headers['webhook-id'])).toEqual([event.id, event.id, event.id]);
    for (const hit of r.hits) {
      expect(hit.headers['content-type']).toBe('application/json');
      expect(JSON.parse(hit.body)).toEqual(event);
      const headers = {
        'webhook-id': String(hit.headers['webhook-id']),
        'webhook-timestamp': String(hit.headers['webhook-timestamp']),
        'webhook-signature': String(hit.headers['webhook-signature']),
      };
      expect(new Webhook(SECRET).verify(hit.body, headers)).toEqual(event);
    }
    expect(t.repository.deliveries(webhook.id, null, 10)).toEqual([
      expect.objectContaining({
        event_id: event.id,
        event_type: 'message.received',
        status: 'delivered',
        attempts: 3,
        last_status_code: 200,
        last_error: null,
        next_attempt_at: null,
      }),
    ]);
    expect(t.outcomes).toEqual(['retry', 'retry', 'delivered']);
  });

  it('a signature made with another secret does not verify', async () => {
    const r = await receiver((_hit, _n, res) => res.writeHead(204).end());
    const t = setup();
    cleanups.push(() => t.dispatcher.close(), r.close);
    t.publish(t.addWebhook(r.url).id);
    await r.reach(1);
    const [hit] = r.hits;
    const other = `whsec_${Buffer.alloc(32, 8).toString('base64')}`;
    const headers = {
      'webhook-id': String(hit.headers['webhook-id']),
      'webhook-timestamp': String(hit.headers['webhook-timestamp']),
      'webhook-signature': String(hit.headers['webhook-signature']),
    };
    expect(() => new Webhook(other).verify(hit.body, headers)).toThrow();
  });

  it('410 disables the webhook and fails the delivery; later events wait, unsent', async () => {
    const r = await receiver((_hit, _n, res) => res.writeHead(410).end());
    const t = setup();
    cleanups.push(() => t.dispatcher.close(), r.close);
    const webhook = t.addWebhook(r.url);
    t.publish(webhook.id);
    await t.until(
      'disabled',
      () => t.repository.get(webhook.id)?.enabled === false,
      () => t.repository.get(webhook.id),
    );
    expect(t.repository.get(webhook.id)).toEqual(
      expect.objectContaining({ enabled: false, disabled_reason: expect.stringMatching(/^The receiver answered 410 Gone on \d{4}-/) }),
    );
    expect(t.repository.deliveries(webhook.id, null, 10)).toEqual([
      expect.objectContaining({
        status: 'failed',
        attempts: 1,
        last_status_code: 410,
        last_error: 'The receiver answered 410 Gone; the webhook was disabled',
      }),
    ]);
    t.publish(webhook.id);
    expect(t.repository.deliveries(webhook.id, 'pending', 10)).toHaveLength(1);
    expect(r.hits).toHaveLength(1);
  });

  it.each([400, 401, 404, 422, 302])('%i fails at once, without retry (redirects are not followed)', async (status) => {
    const r = await receiver((_hit, _n, res) => res.writeHead(status, status === 302 ? { location: 'http://127.0.0.1:1/' } : {}).end());
    const t = setup();
    cleanups.push(() => t.dispatcher.close(), r.close);
    const webhook = t.addWebhook(r.url);
    t.publish(webhook.id);
    await t.until(
      'failed',
      () => t.repository.deliveries(webhook.id, 'failed', 10).length === 1,
      () => t.repository.deliveries(webhook.id, null, 10),
    );
    expect(t.repository.deliveries(webhook.id, null, 10)).toEqual([
      expect.objectContaining({
        status: 'failed',
        attempts: 1,
        last_status_code: status,
        last_error: `The receiver answered ${status}; not retried`,
      }),
    ]);
    expect(r.hits).toHaveLength(1);
    expect(t.repository.get(webhook.id)?.enabled).toBe(true);
  });

  it('gives up after the last attempt and says why', async () => {
    const r = await receiver((_hit, _n, res) => res.writeHead(500).end());
    const t = setup();
    cleanups.push(() => t.dispatcher.close(), r.close);
    const webhook = t.addWebhook(r.url);
    t.publish(webhook.id);
    await t.until(
      'failed',
      () => t.repository.deliveries(webhook.id, 'failed', 10).length === 1,
      () => t.repository.deliveries(webhook.id, null, 10),
    );
    expect(r.hits).toHaveLength(settings.maxAttempts);
    expect(t.repository.deliveries(webhook.id, null, 10)[0]).toEqual(
      expect.objectContaining({
        status: 'failed',
        attempts: 5,
        last_status_code: 500,
        last_error: 'The receiver answered 500 (gave up after 5 attempts)',
      }),
    );
  });

  it('retries a receiver that cannot be reached, and one that does not answer in time', async () => {
    const t = setup();
    const slow = new WebhookDispatcher(t.repository, { ...settings, maxAttempts: 2, timeoutMs: 50 });
    const hang = await receiver(() => undefined);
    cleanups.push(() => slow.close(), hang.close);
    const refused = t.addWebhook(`http://127.0.0.1:${await closedPort()}/hook`);
    const silent = t.addWebhook(hang.url);
    t.repository.enqueue(
      { id: 'evt_a', type: 'message.received', session: 'default', timestamp: '', data: {} },
      [refused.id, silent.id],
      Date.now(),
      (() => {
        let i = 0;
        return () => `dlv_${++i}`;
      })(),
    );
    slow.pump(refused.id);
    slow.pump(silent.id);
    await t.until(
      'both failed',
      () => t.repository.deliveries(refused.id, 'failed', 1).length + t.repository.deliveries(silent.id, 'failed', 1).length === 2,
      () => [t.repository.deliveries(refused.id, null, 1), t.repository.deliveries(silent.id, null, 1)],
    );
    expect(t.repository.deliveries(refused.id, null, 1)[0]).toEqual(
      expect.objectContaining({
        attempts: 2,
        last_status_code: null,
        last_error: 'Could not reach the receiver (ECONNREFUSED) (gave up after 2 attempts)',
      }),
    );
    expect(t.repository.deliveries(silent.id, null, 1)[0]).toEqual(
      expect.objectContaining({ attempts: 2, last_status_code: null, last_error: 'No answer within 50 ms (gave up after 2 attempts)' }),
    );
  });

  it('honours Retry-After (up to the maximum delay)', async () => {
    const r = await receiver((_hit, n, res) => res.writeHead(n === 1 ? 429 : 200, n === 1 ? { 'retry-after': '3600' } : {}).end());
    const t = setup();
    cleanups.push(() => t.dispatcher.close(), r.close);
    const webhook = t.addWebhook(r.url);
    const before = Date.now();
    t.publish(webhook.id);
    await t.until(
      'retry scheduled',
      () => t.repository.deliveries(webhook.id, null, 1)[0]?.attempts === 1,
      () => t.repository.deliveries(webhook.id, null, 1),
    );
    const next = Date.parse(t.repository.deliveries(webhook.id, null, 1)[0].next_attempt_at!);
    // Asked for an hour, capped at the 40 ms maximum of these settings.
    expect(next - before).toBeLessThanOrEqual(settings.maxMs + 1_000);
    await r.reach(2);
  });

  it('a receiver that never answers does not delay another receiver', async () => {
    const hang = await receiver(() => undefined);
    const ok = await receiver((_hit, _n, res) => res.writeHead(200).end());
    const t = setup();
    cleanups.push(() => t.dispatcher.close(), hang.close, ok.close);
    const stuck = t.addWebhook(hang.url);
    const fine = t.addWebhook(ok.url);
    t.publish(stuck.id, LANE_WIDTH * 3);
    t.publish(fine.id, 50);
    await ok.reach(50);
    await t.until(
      'all delivered',
      () => t.repository.deliveries(fine.id, 'delivered', 100).length === 50,
      () => t.repository.pendingCounts(),
    );
    expect(hang.hits).toHaveLength(LANE_WIDTH);
    expect(t.repository.deliveries(stuck.id, 'pending', 100)).toHaveLength(LANE_WIDTH * 3);
  });

  it('a delivery coming due while the dispatcher looks is still sent (one instant for "due now" and "due later")', async () => {
    const t = setup();
    const webhook = t.addWebhook('http://127.0.0.1:9/unused');
    const base = Date.now();
    t.repository.enqueue(
      { id: 'evt_edge', type: 'message.received', session: 'default', timestamp: '', data: {} },
      [webhook.id],
      base + 1,
      () => 'dlv_edge',
    );
    // A clock that moves on by 1 ms at every reading: due at base + 1 is not due at the first reading
    // and is no longer "later" at the second one.
    let readings = 0;
    const sent: string[] = [];
    const edge = new WebhookDispatcher(t.repository, settings, {
      now: () => base + readings++,
      send: (request) => {
        sent.push(request.eventId);
        return Promise.resolve({ status: 200, retryAfter: null, error: null });
      },
    });
    cleanups.push(() => edge.close());
    edge.pump(webhook.id);
    await t.until(
      'delivered',
      () => t.repository.deliveries(webhook.id, 'delivered', 1).length === 1,
      () => t.repository.deliveries(webhook.id, null, 1),
    );
    expect(sent).toEqual(['evt_edge']);
  });

  it('what was pending when the dispatcher stopped is sent by the next one, with the same webhook-ids', async () => {
    const t = setup(undefined, { ...settings, maxAttempts: 1_000 });
    const webhook = t.addWebhook(`http://127.0.0.1:${await closedPort()}/down`);
    const events = t.publish(webhook.id, 30);
    await t.until(
      'first attempts',
      () => t.repository.deliveries(webhook.id, null, 30).every((d) => d.attempts >= 1),
      () => t.repository.deliveries(webhook.id, null, 3),
    );
    await t.dispatcher.close();

    const r = await receiver((_hit, _n, res) => res.writeHead(200).end());
    cleanups.push(r.close);
    t.repository.update(webhook.id, { url: r.url });
    const next = new WebhookDispatcher(t.repository, settings);
    cleanups.push(() => next.close());
    next.pump(webhook.id);
    await r.reach(30);
    await t.until(
      'all delivered',
      () => t.repository.deliveries(webhook.id, 'delivered', 100).length === 30,
      () => t.repository.pendingCounts(),
    );
    expect(new Set(r.hits.map((hit) => hit.headers['webhook-id']))).toEqual(new Set(events.map((event) => event.id)));
  });
});
