import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { LANE_WIDTH } from '../../src/webhooks/webhook-dispatcher.js';
import { startServer, type ServerProcess } from '../server-process.js';
import { closedPort, type Hit, receiver } from '../webhook-receiver.js';
import { api } from './sim-server.js';

/*
 * Webhook deliveries at process level, with the built server (no Chrome needed: webhook.test
 * events are the fast path into the queue): a kill -9 loses none, retries keep the webhook-id,
 * and a receiver that never answers does not hold up another.
 */

jest.setTimeout(120_000);

const FAST_RETRIES = { WHATSAPP_WEBHOOK_RETRY_MIN_MS: '100', WHATSAPP_WEBHOOK_RETRY_MAX_MS: '400', WHATSAPP_WEBHOOK_MAX_ATTEMPTS: '1000' };

const dirs: string[] = [];
const servers: ServerProcess[] = [];
const receivers: { close(): Promise<void> }[] = [];

function dir(prefix: string): string {
  const made = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(made);
  return made;
}

async function server(env: Record<string, string>): Promise<ServerProcess> {
  const started = await startServer({ WHATSAPP_MCP_HOST: '127.0.0.1', ...env }, ['node', 'dist/main.js']);
  servers.push(started);
  return started;
}

async function hook(base: string, url: string): Promise<{ id: string; secret: string }> {
  const created = await api(base, 'POST', '/api/webhooks', { url, events: ['webhook.test'] });
  expect(created.status).toBe(201);
  return { id: created.body.webhook.id, secret: created.body.webhook.secret };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop('SIGKILL')));
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** Polls a deliveries list (another process's database) until `done`; throws naming `what` and the last list. */
async function deliveriesUntil(
  base: string,
  path: string,
  what: string,
  done: (list: any[]) => boolean,
  timeoutMs = 30_000,
): Promise<any[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await api(base, 'GET', path);
    expect(status).toBe(200);
    if (done(body.deliveries)) return body.deliveries;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(body).slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every hit is signed for its own body with the webhook's secret, and names the event it carries. */
function expectSigned(hits: Hit[], secret: string): void {
  const wh = new Webhook(secret);
  for (const hit of hits) {
    const verified = wh.verify(hit.body, hit.headers as Record<string, string>) as { id: string };
    expect(verified.id).toBe(hit.headers['webhook-id']);
  }
}

describe('webhook deliveries survive kill -9', () => {
  it('200 events queued for a dead receiver, SIGKILL, restart, receiver up: all 200 delivered, repeats only with the same webhook-id', async () => {
    const env = { WHATSAPP_DATA_DIR: dir('wa-durable-data-'), WHATSAPP_AUTH_DIR: dir('wa-durable-auth-'), ...FAST_RETRIES };
    const port = await closedPort();
    const first = await server(env);
    const { id, secret } = await hook(first.url, `http://127.0.0.1:${port}/hook`);
    const eventIds: string[] = [];
    for (let n = 0; n < 200; n++) {
      const queued = await api(first.url, 'POST', `/api/webhooks/${id}/test`);
      expect(queued.status).toBe(202);
      expect(queued.body).toMatchObject({ ok: true, delivery: { status: 'pending' } });
      eventIds.push(queued.body.delivery.event_id);
    }
    expect(await first.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

    const second = await server(env);
    const up = await receiver((_hit, _n, res) => res.writeHead(204).end(), { port, reachMs: 60_000 });
    receivers.push(up);
    await up.reach(200);
    await deliveriesUntil(
      second.url,
      `/api/webhooks/${id}/deliveries?status=pending&limit=100`,
      'no pending deliveries',
      (list) => list.length === 0,
    );
    expect((await api(second.url, 'GET', `/api/webhooks/${id}/deliveries?status=failed`)).body).toEqual({ ok: true, deliveries: [] });
    expect((await api(second.url, 'GET', `/api/webhooks/${id}/deliveries?status=delivered&limit=100`)).body.deliveries).toHaveLength(100);

    const seen = up.hits.map((hit) => hit.headers['webhook-id']);
    expect(new Set(seen)).toEqual(new Set(eventIds));
    for (const hit of up.hits)
      expect(JSON.parse(hit.body)).toMatchObject({ id: hit.headers['webhook-id'], type: 'webhook.test', data: { webhook_id: id } });
    expectSigned(up.hits, secret);
  });
});

describe('retries and isolation at process level', () => {
  it('503 twice then 200: delivered on the third attempt with the same webhook-id', async () => {
    const s = await server(FAST_RETRIES);
    const flaky = await receiver((_hit, n, res) => res.writeHead(n <= 2 ? 503 : 200).end());
    receivers.push(flaky);
    const { id, secret } = await hook(s.url, flaky.url);
    const queued = await api(s.url, 'POST', `/api/webhooks/${id}/test`);
    await flaky.reach(3);
    expect(flaky.hits.map((hit) => hit.headers['webhook-id'])).toEqual(Array(3).fill(queued.body.delivery.event_id));
    expectSigned(flaky.hits, secret);
    const [delivery] = await deliveriesUntil(
      s.url,
      `/api/webhooks/${id}/deliveries`,
      'the delivery to be delivered',
      (list) => list[0]?.status === 'delivered',
    );
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, last_status_code: 200 });
  });

  it('a receiver that never answers does not delay a second receiver', async () => {
    const s = await server({ ...FAST_RETRIES, WHATSAPP_WEBHOOK_TIMEOUT_MS: '30000' });
    const silent = await receiver(() => undefined);
    const quick = await receiver((_hit, _n, res) => res.writeHead(200).end(), { reachMs: 5_000 });
    receivers.push(silent, quick);
    const stuck = await hook(s.url, silent.url);
    const fine = await hook(s.url, quick.url);
    // More than the silent receiver's lane can hold in flight, so its queue is backed up too.
    for (let n = 0; n < 40; n++) await api(s.url, 'POST', `/api/webhooks/${stuck.id}/test`);
    await silent.reach(LANE_WIDTH);
    const started = Date.now();
    for (let n = 0; n < 20; n++) expect((await api(s.url, 'POST', `/api/webhooks/${fine.id}/test`)).status).toBe(202);
    await quick.reach(20);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(silent.hits).toHaveLength(LANE_WIDTH);
  });
});
