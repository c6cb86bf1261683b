import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { describeChromium, waitForNoProcesses } from '../chromium/chrome-processes.js';
import {
  api,
  browserProcess,
  closeSim,
  newAuthDir,
  pairByQr,
  type Sim,
  type SimServer,
  startSim,
  startSimServer,
  waitForState,
} from './sim-server.js';

/*
 * The outbox at process level, against the simulated WhatsApp Web: queued items survive kill -9,
 * an item caught sending is never sent twice, and a backlog paces behind the sending limits.
 */

jest.setTimeout(180_000);

const dirs: string[] = [];
const servers: SimServer[] = [];
let sim: Sim;

beforeEach(async () => {
  sim = await startSim();
});

afterEach(async () => {
  const stopped = servers.splice(0);
  await Promise.all(stopped.map((s) => s.stop('SIGKILL')));
  for (const s of stopped) {
    const chrome = browserProcess(s.authDir);
    if (chrome !== null) process.kill(-chrome, 'SIGKILL');
    expect(await waitForNoProcesses(s.authDir, 10_000)).toEqual([]);
  }
  await Promise.all(
    [...new Set([...dirs.splice(0), ...stopped.map((s) => s.authDir)])].map((d) => rm(d, { recursive: true, force: true })),
  );
  await closeSim(sim);
});

async function server(env: Record<string, string>, authDir?: string): Promise<SimServer> {
  const started = await startSimServer(sim, env, authDir);
  servers.push(started);
  return started;
}

async function enqueue(base: string, phone: string, message: string): Promise<string> {
  const queued = await api(base, 'POST', '/api/outbox', { phone_number: phone, message });
  expect(queued.status).toBe(202);
  return queued.body.item.id;
}

/** Polls GET /api/outbox/{id} (another process's state) until `state`; throws with the last item seen. */
async function waitForItem(base: string, id: string, state: string, timeoutMs = 30_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api(base, 'GET', `/api/outbox/${id}`);
    if (body.item?.state === state) return body.item;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for item ${id} to be ${state}; last: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function waitForNoQueued(base: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api(base, 'GET', '/api/outbox?state=queued&limit=500');
    const sending = (await api(base, 'GET', '/api/outbox?state=sending&limit=500')).body.items.length;
    if (body.items.length === 0 && sending === 0) return;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for the outbox to drain; ${body.items.length} queued, ${sending} sending`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Freezes Chrome (SIGSTOP) the moment the simulated network receives the send of `body`: the message
 * has gone out, but the server never hears so, and its item stays `sending`. Test-only access to the
 * phone's network, which has no public hook for this.
 */
function freezeChromeOnSend(s: SimServer, body: string): void {
  const network = (sim.phone as unknown as { network: { rpc(msg: any): unknown } }).network;
  const rpc = network.rpc.bind(network);
  network.rpc = (msg: any) => {
    const reply = rpc(msg);
    if (msg.op === 'send' && msg.message?.body === body) {
      network.rpc = rpc;
      const chrome = browserProcess(s.authDir);
      // Never `-null`: process.kill(0) would reach this test's own process group.
      if (chrome === null) throw new Error(`no single Chrome of ${s.authDir} to freeze`);
      process.kill(-chrome, 'SIGSTOP');
    }
    return reply;
  };
}

describeChromium('the outbox across kill -9', () => {
  it('queued items are sent after a restart; the item caught sending becomes unknown and the phone has it once', async () => {
    const env = {
      WHATSAPP_DATA_DIR: mkdtempSync(join(tmpdir(), 'wa-outbox-data-')),
      WHATSAPP_SEND_LIMIT: '0',
      WHATSAPP_RECIPIENT_LIMIT: '0',
    };
    dirs.push(env.WHATSAPP_DATA_DIR);
    const authDir = newAuthDir();
    const first = await server(env, authDir);
    await pairByQr(first, sim);

    freezeChromeOnSend(first, 'caught sending');
    const caught = await enqueue(first.url, '15550000001', 'caught sending');
    await waitForItem(first.url, caught, 'sending');
    const queued = [
      await enqueue(first.url, '15550000001', 'queued 1'),
      await enqueue(first.url, '15550000002', 'queued 2'),
      await enqueue(first.url, '15550000001', 'queued 3'),
    ];
    for (const id of queued) expect((await api(first.url, 'GET', `/api/outbox/${id}`)).body.item.state).toBe('queued');

    const frozen = browserProcess(authDir);
    expect(frozen).not.toBeNull();
    expect(await first.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    process.kill(-frozen!, 'SIGKILL');
    expect(await waitForNoProcesses(authDir, 10_000)).toEqual([]);

    const second = await server(env, authDir);
    await waitForState(second.url, 'ready', 60_000);
    for (const id of queued) await waitForItem(second.url, id, 'sent');
    const unknown = (await api(second.url, 'GET', `/api/outbox/${caught}`)).body.item;
    expect(unknown).toMatchObject({ state: 'unknown', message_id: null });

    const bodies = (await sim.phone.sent()).map((m) => m.body);
    expect(bodies.filter((b) => b === 'caught sending')).toHaveLength(1);
    for (const text of ['queued 1', 'queued 2', 'queued 3']) expect(bodies.filter((b) => b === text)).toHaveLength(1);
    expect(bodies.indexOf('queued 1')).toBeLessThan(bodies.indexOf('queued 3'));
  });
});

describeChromium('a backlog queued while the session is stopped', () => {
  it('100 items are all sent once ready, in order per recipient, none twice, paced by a limit of 20 per second', async () => {
    const s = await server({ WHATSAPP_SEND_LIMIT: '20', WHATSAPP_SEND_WINDOW_MS: '1000', WHATSAPP_RECIPIENT_LIMIT: '0' });
    expect((await api(s.url, 'GET', '/api/status')).body.state).toBe('stopped');
    const recipients = ['15550000011', '15550000012', '15550000013', '15550000014', '15550000015'];
    for (let n = 0; n < 100; n++) await enqueue(s.url, recipients[n % 5], `backlog ${n}`);
    expect((await sim.phone.sent()).length).toBe(0);

    await pairByQr(s, sim);
    const started = Date.now();
    await waitForNoQueued(s.url, 60_000);
    const elapsed = Date.now() - started;

    const failed = (await api(s.url, 'GET', '/api/outbox?state=failed&limit=500')).body.items;
    expect(failed).toEqual([]);
    const sent = await sim.phone.sent();
    expect(sent).toHaveLength(100);
    expect(new Set(sent.map((m) => m.body)).size).toBe(100);
    for (const [i, to] of recipients.entries()) {
      const mine = sent.filter((m) => m.to === `${to}@c.us`).map((m) => m.body);
      expect(mine).toEqual(Array.from({ length: 20 }, (_, k) => `backlog ${k * 5 + i}`));
    }
    // 100 sends at 20 a window of one second cannot go out in fewer than four full windows.
    expect(elapsed).toBeGreaterThanOrEqual(3_000);
  });
});

describeChromium('an Idempotency-Key against the simulated WhatsApp Web', () => {
  it('50 concurrent sends with one key and body reach the phone once; the same key with another body is 422', async () => {
    const s = await server({ WHATSAPP_SEND_LIMIT: '0', WHATSAPP_RECIPIENT_LIMIT: '0' });
    await pairByQr(s, sim);
    const post = (body: object) =>
      fetch(`${s.url}/api/send`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'reminder-2026-11-30' },
        body: JSON.stringify(body),
      }).then(async (res) => ({ status: res.status, replayed: res.headers.get('idempotency-replayed'), body: (await res.json()) as any }));
    const body = { phone_number: '+1 555 123 4567', message: 'Your invoice is due' };
    const answers = await Promise.all(Array.from({ length: 50 }, () => post(body)));

    const originals = answers.filter((a) => a.status === 200 && a.replayed === null);
    expect(originals).toHaveLength(1);
    for (const a of answers.filter((x) => x !== originals[0])) {
      if (a.status === 200) expect(a).toEqual({ ...originals[0], replayed: 'true' });
      else expect(a).toMatchObject({ status: 409, body: { ok: false, error: { code: 'idempotency_in_progress' } } });
    }
    expect((await sim.phone.sent()).filter((m) => m.body === 'Your invoice is due')).toHaveLength(1);

    const other = await post({ ...body, message: 'Another text' });
    expect(other).toMatchObject({ status: 422, body: { ok: false, error: { code: 'idempotency_mismatch' } } });
    expect((await sim.phone.sent()).filter((m) => m.body === 'Another text')).toHaveLength(0);
  });
});
