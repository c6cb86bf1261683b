import Database from 'better-sqlite3';
import { AppError } from '../common/app-error.js';
import { loadAppConfig } from '../config/app-config.js';
import type { WebhookDispatcher } from './webhook-dispatcher.js';
import { migrate } from '../database/migrations.js';
import type { SqliteConnection } from '../database/sqlite-connection.js';
import { SqliteWebhooksRepository } from './sqlite-webhooks.repository.js';
import type { EventEnvelope } from './webhook.types.js';
import { ENV_WEBHOOK_ID, WebhooksService } from './webhooks.service.js';

const SECRET = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);

function setup(env: Record<string, string> = {}, db = new Database(':memory:')) {
  migrate(db);
  const repository = new SqliteWebhooksRepository({ db } as SqliteConnection);
  const pumped: string[] = [];
  const dispatcher = { pump: (id: string) => pumped.push(id), refresh: (id: string) => pumped.push(id) } as unknown as WebhookDispatcher;
  const service = new WebhooksService(loadAppConfig(env), repository, dispatcher, () => NOW);
  service.start();
  return { db, repository, service, pumped };
}

const event = (type: string, id = 'evt_01'): EventEnvelope => ({
  id,
  type,
  session: 'default',
  timestamp: new Date(NOW).toISOString(),
  data: {},
});

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? { code: error.code, message: error.message } : error;
  }
  throw new Error('expected a refusal');
};

describe('WebhooksService', () => {
  it('writes the environment webhook at boot, re-enables it, and removes it when the variable is gone', () => {
    const env = {
      WHATSAPP_WEBHOOK_URL: 'http://127.0.0.1:9/hook',
      WHATSAPP_WEBHOOK_SECRET: SECRET,
      WHATSAPP_WEBHOOK_EVENTS: 'message.received',
    };
    const first = setup(env);
    expect(first.service.get(ENV_WEBHOOK_ID)).toEqual({
      id: 'env',
      url: 'http://127.0.0.1:9/hook',
      events: ['message.received'],
      sessions: ['*'],
      description: 'From WHATSAPP_WEBHOOK_URL',
      enabled: true,
      disabled_reason: null,
      created_at: new Date(NOW).toISOString(),
    });
    expect(first.service.secret(ENV_WEBHOOK_ID)).toBe(SECRET);
    first.repository.update(ENV_WEBHOOK_ID, { enabled: false, disabled_reason: 'The receiver answered 410 Gone' });

    const second = setup({ ...env, WHATSAPP_WEBHOOK_EVENTS: '*' }, first.db);
    expect(second.service.get(ENV_WEBHOOK_ID)).toEqual(expect.objectContaining({ enabled: true, disabled_reason: null, events: ['*'] }));
    expect(second.pumped).toEqual([ENV_WEBHOOK_ID]);

    const third = setup({}, first.db);
    expect(third.service.list()).toEqual([]);
  });

  it('queues each event once per enabled webhook that wants its type, in the database before returning', () => {
    const t = setup();
    const all = t.service.create({ url: 'http://127.0.0.1:9/a' });
    const some = t.service.create({ url: 'http://127.0.0.1:9/b', events: ['message.ack'] });
    const off = t.service.create({ url: 'http://127.0.0.1:9/c' });
    t.service.update(off.id, { enabled: false });

    t.service.publish(event('message.received', 'evt_1'));
    t.service.publish(event('message.ack', 'evt_2'));
    expect(
      t.repository
        .deliveries(all.id, 'pending', 10)
        .map((d) => d.event_id)
        .sort(),
    ).toEqual(['evt_1', 'evt_2']);
    expect(t.repository.deliveries(some.id, 'pending', 10).map((d) => d.event_id)).toEqual(['evt_2']);
    expect(t.repository.deliveries(off.id, null, 10)).toEqual([]);
  });

  it('shows the secret only on creation and through the secret route', () => {
    const t = setup();
    const created = t.service.create({ url: 'https://example.invalid/hook', description: 'CRM' });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created).toEqual(
      expect.objectContaining({ url: 'https://example.invalid/hook', events: ['*'], description: 'CRM', enabled: true }),
    );
    expect(t.service.get(created.id)).not.toHaveProperty('secret');
    expect(t.service.list()[0]).not.toHaveProperty('secret');
    expect(t.service.secret(created.id)).toBe(created.secret);
  });

  it('refuses unknown ids, changes to the environment webhook, and retrying what has not failed', () => {
    const t = setup({ WHATSAPP_WEBHOOK_URL: 'http://127.0.0.1:9/hook', WHATSAPP_WEBHOOK_SECRET: SECRET });
    expect(refusal(() => t.service.get('wh_nope'))).toEqual({
      code: 'not_found',
      message: 'No webhook with id "wh_nope". GET /api/webhooks lists them.',
    });
    expect(refusal(() => t.service.delete(ENV_WEBHOOK_ID))).toEqual({
      code: 'webhook_read_only',
      message: 'The webhook "env" comes from WHATSAPP_WEBHOOK_URL: unset it to remove the webhook.',
    });
    expect(refusal(() => t.service.update(ENV_WEBHOOK_ID, { url: 'http://127.0.0.1:9/other' }))).toEqual(
      expect.objectContaining({ code: 'webhook_read_only' }),
    );
    expect(t.service.update(ENV_WEBHOOK_ID, { enabled: false })).toEqual(
      expect.objectContaining({ enabled: false, disabled_reason: 'Disabled through the API' }),
    );

    const delivery = t.service.test(ENV_WEBHOOK_ID);
    expect(delivery).toEqual(expect.objectContaining({ event_type: 'webhook.test', status: 'pending', attempts: 0 }));
    expect(refusal(() => t.service.retry(ENV_WEBHOOK_ID, delivery.id))).toEqual({
      code: 'delivery_not_failed',
      message: `Delivery ${delivery.id} is pending; only a failed delivery can be retried.`,
    });
    expect(refusal(() => t.service.retry(ENV_WEBHOOK_ID, 'dlv_nope'))).toEqual({
      code: 'not_found',
      message: 'Webhook env has no delivery dlv_nope.',
    });
  });

  it('requeues a failed delivery with a fresh round of attempts', () => {
    const t = setup();
    const webhook = t.service.create({ url: 'http://127.0.0.1:9/a' });
    const delivery = t.service.test(webhook.id);
    t.repository.markFailed(delivery.id, 15, 500, 'The receiver answered 500 (gave up after 15 attempts)');
    expect(t.service.retry(webhook.id, delivery.id)).toEqual(
      expect.objectContaining({ status: 'pending', attempts: 0, next_attempt_at: new Date(NOW).toISOString() }),
    );
  });

  it('stops queueing for a webhook the dispatcher disabled (a 410), without waiting for a change through the API', () => {
    const t = setup();
    const webhook = t.service.create({ url: 'http://127.0.0.1:9/a' });
    t.repository.update(webhook.id, { enabled: false, disabled_reason: 'The receiver answered 410 Gone' });
    (t.service as unknown as { dispatcher: WebhookDispatcher }).dispatcher.onDisabled(webhook.id);
    t.service.publish(event('message.received'));
    expect(t.repository.deliveries(webhook.id, null, 10)).toEqual([]);
  });

  it('prunes settled deliveries older than the cutoff, never pending ones', () => {
    const t = setup();
    const webhook = t.service.create({ url: 'http://127.0.0.1:9/a' });
    t.service.publish(event('message.received', 'evt_1'));
    t.service.publish(event('message.received', 'evt_2'));
    t.service.publish(event('message.received', 'evt_3'));
    const [a, b] = t.repository.deliveries(webhook.id, null, 10).sort((x, y) => x.event_id.localeCompare(y.event_id));
    t.repository.markDelivered(a.id, 1, 200, NOW);
    t.repository.markFailed(b.id, 1, 400, 'The receiver answered 400; not retried');
    t.service.prune(NOW);
    expect(
      t.repository
        .deliveries(webhook.id, null, 10)
        .map((d) => d.event_id)
        .sort(),
    ).toEqual(['evt_1', 'evt_2', 'evt_3']);
    t.service.prune(NOW + 1);
    expect(t.repository.deliveries(webhook.id, null, 10).map((d) => [d.event_id, d.status])).toEqual([['evt_3', 'pending']]);
  });

  it('deleting a webhook deletes its deliveries', () => {
    const t = setup();
    const webhook = t.service.create({ url: 'http://127.0.0.1:9/a' });
    t.service.publish(event('message.received'));
    t.service.delete(webhook.id);
    expect(t.db.prepare('SELECT COUNT(*) AS n FROM webhook_deliveries').get()).toEqual({ n: 0 });
  });
});
