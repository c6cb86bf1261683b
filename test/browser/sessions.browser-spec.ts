import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Phone } from '../../src/sandbox/simulator/phone.js';
import { waitForNoProcesses } from '../processes.js';
import { api, browserProcess, newAuthDir, SIM_VERSION, type SimServer, startSimServer } from './sim-server.js';

/*
 * Issue 15 against the simulated WhatsApp Web: one server, three sessions, three phones (three
 * accounts). `WHATSAPP_WEB_CACHE_DIR=<dir>/{session}` gives each session the page of its own phone.
 */

const NAMES = ['default', 'sales', 'support'] as const;
type Name = (typeof NAMES)[number];
const NUMBERS: Record<Name, string> = { default: '15550000001', sales: '15550000002', support: '15550000003' };

const cacheBase = mkdtempSync(join(tmpdir(), 'wa-sessions-cache-'));
const dataDir = mkdtempSync(join(tmpdir(), 'wa-sessions-data-'));
const authDir = newAuthDir();
const phones = {} as Record<Name, Phone>;
let server: SimServer | undefined;

const base = () => server!.url;
const sessionPath = (name: Name, route: string) => (name === 'default' ? `/api/${route}` : `/api/sessions/${name}/${route}`);
const profileOf = (name: Name) => join(authDir, `session-${name}`);

async function startServer(env: Record<string, string> = {}): Promise<SimServer> {
  return startSimServer(
    { phone: phones.default, cacheDir: join(cacheBase, '{session}') },
    { WHATSAPP_DATA_DIR: dataDir, WHATSAPP_RESTART_MIN_MS: '200', WHATSAPP_RESTART_MAX_MS: '1000', ...env },
    authDir,
  );
}

async function stateOf(name: Name): Promise<string> {
  return (await api(base(), 'GET', sessionPath(name, 'status'))).body.state as string;
}

async function waitForSession(name: Name, state: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = await stateOf(name);
    if (last === state) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${name} to be ${state}; it is ${last}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  for (const [index, name] of NAMES.entries()) {
    const phone = await Phone.start({ qrRotateMs: 0, me: NUMBERS[name], pushname: `Phone ${name}` });
    mkdirSync(join(cacheBase, name), { recursive: true });
    await phone.prepare(join(cacheBase, name), SIM_VERSION);
    await phone.seed({ chats: 2 + index, messagesPerChat: 2 });
    phones[name] = phone;
  }
});

afterAll(async () => {
  if (server) {
    await server.stop('SIGTERM');
    expect(await waitForNoProcesses(authDir, 5_000)).toEqual([]);
  }
  await Promise.all(NAMES.map((name) => phones[name]?.close()));
  await Promise.all([authDir, dataDir, cacheBase].map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('several accounts against three simulated phones', () => {
  it('each session pairs, sends and reads only its own chats', async () => {
    server = await startServer();
    for (const name of ['sales', 'support'] as const) {
      expect((await api(base(), 'POST', '/api/sessions', { name })).status).toBe(201);
    }
    for (const name of NAMES) {
      const started = await api(base(), 'POST', sessionPath(name, 'auth/start'));
      expect(started.body.state).toBe('qr');
      await phones[name].scanQr();
      await waitForSession(name, 'ready');
    }
    for (const [index, name] of NAMES.entries()) {
      const status = (await api(base(), 'GET', sessionPath(name, 'status'))).body;
      expect(status.account).toMatchObject({ wid: `${NUMBERS[name]}@c.us`, pushname: `Phone ${name}` });
      const chats = await api(base(), 'GET', sessionPath(name, 'chats?limit=50'));
      expect(chats.status).toBe(200);
      expect(chats.body.count).toBe(2 + index);
      const sent = await api(base(), 'POST', sessionPath(name, 'send'), { phone_number: '15557770000', message: `hello from ${name}` });
      expect(sent.status).toBe(200);
    }
    for (const name of NAMES) {
      const received = (await phones[name].sent()).map((message) => message.body);
      expect(received).toEqual([`hello from ${name}`]);
    }
  });

  it('Chrome of one session SIGKILLed: only that one recovers; the others stay ready and keep answering', async () => {
    const victim = browserProcess(profileOf('sales'));
    expect(victim).not.toBeNull();
    const mark = async (name: Name) =>
      (await api(base(), 'GET', `${sessionPath(name, 'events')}?types=session.status&limit=1000`)).body.next_after as string;
    const marks = { default: await mark('default'), sales: await mark('sales'), support: await mark('support') };
    const statesSince = async (name: Name) =>
      (
        (await api(base(), 'GET', `${sessionPath(name, 'events')}?types=session.status&limit=1000&after=${marks[name]}`)).body.events as {
          data: { state: string };
        }[]
      ).map((e) => e.data.state);
    process.kill(-victim!, 'SIGKILL');
    // The crash is noticed (disconnected), then the session restarts by itself and is ready again.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const states = await statesSince('sales');
      if (states.includes('disconnected') && states.at(-1) === 'ready') break;
      if (Date.now() > deadline) throw new Error(`sales did not recover within 60 s; its states since the kill: ${states.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(browserProcess(profileOf('sales'))).not.toBe(victim);
    for (const name of ['default', 'support'] as const) {
      expect(await stateOf(name)).toBe('ready');
      expect((await api(base(), 'GET', sessionPath(name, 'chats?limit=1'))).status).toBe(200);
      // No state change at all for the others since the kill.
      expect(await statesSince(name)).toEqual([]);
    }
  });

  it(`a restart brings all three back to ready without a QR, never more than WHATSAPP_START_CONCURRENCY=2 loading at once`, async () => {
    await server!.stop('SIGTERM');
    expect(await waitForNoProcesses(authDir, 10_000)).toEqual([]);
    server = await startServer({ WHATSAPP_START_CONCURRENCY: '2' });
    for (const name of NAMES) await waitForSession(name, 'ready');
    // Each session's loading span, from its state changes at this boot.
    const spans: [number, number][] = [];
    for (const name of NAMES) {
      const events = (await api(base(), 'GET', `${sessionPath(name, 'events')}?types=session.status&limit=500`)).body.events as {
        timestamp: string;
        data: { state: string };
      }[];
      const boot = events.slice(events.findLastIndex((e) => e.data.state === 'starting'));
      expect(boot.map((e) => e.data.state)).not.toContain('qr');
      const start = Date.parse(boot[0].timestamp);
      const end = Date.parse(boot.find((e) => e.data.state === 'ready')!.timestamp);
      spans.push([start, end]);
    }
    const mostAtOnce = Math.max(...spans.map(([start]) => spans.filter(([s, e]) => s <= start && start < e).length));
    expect(mostAtOnce).toBeLessThanOrEqual(2);
  });

  it('deleting one session removes its profile and data and leaves the others untouched', async () => {
    expect(existsSync(profileOf('support'))).toBe(true);
    const deleted = await api(base(), 'DELETE', '/api/sessions/support');
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ ok: true, deleted: 'support', revoked: true });
    expect(existsSync(profileOf('support'))).toBe(false);
    expect(await waitForNoProcesses(profileOf('support'), 10_000)).toEqual([]);
    expect((await api(base(), 'GET', '/api/sessions/support/status')).status).toBe(404);
    expect(await phones.support.linkedDevices()).toBe(0);
    for (const name of ['default', 'sales'] as const) {
      expect(await stateOf(name)).toBe('ready');
      expect(existsSync(profileOf(name))).toBe(true);
    }
    const listed = (await api(base(), 'GET', '/api/sessions')).body.sessions.map((s: { name: string }) => s.name);
    expect(listed).toEqual(['default', 'sales']);
  });
});
